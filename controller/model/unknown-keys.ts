/** Keys and annotations with our prefixes that name no setting: reported, never silently dropped. */
import { type ObjectRef, objectRef, type Problem } from '../store/problems.ts';
import type { Service } from '../store/schemas.ts';
import { ALL_KEYS } from './settings/keys.ts';
import { ANNOTATION_PREFIXES, type SettingsLayer } from './settings/registry.ts';

const KNOWN_NAMES = new Set(Object.values(ALL_KEYS).flatMap((k) => [k.name, ...(k.aliases ?? [])]));

export function reportUnknownKeys(layer: SettingsLayer, problems: Problem[]): void {
  for (const key of Object.keys(layer.values)) {
    if (!KNOWN_NAMES.has(key)) {
      problems.push({
        ref: layer.ref,
        field: key,
        reason: 'UnknownKey',
        message: 'not a supported key; ignored',
        severity: 'warning',
      });
    }
  }
}

export function reportUnknownAnnotations(
  ref: ObjectRef,
  annotations: Record<string, string>,
  problems: Problem[],
): void {
  for (const key of Object.keys(annotations)) {
    const prefix = ANNOTATION_PREFIXES.find((p) => key.startsWith(p));
    if (prefix && !KNOWN_NAMES.has(key.slice(prefix.length))) {
      problems.push({
        ref,
        field: key,
        reason: 'UnknownKey',
        message: 'not a supported annotation; ignored',
        severity: 'warning',
      });
    }
  }
}

/** Once per Service object: a Service is read on every pass, its annotations seldom change. */
const serviceProblems = new WeakMap<Service, Problem[]>();

export function unknownServiceAnnotations(service: Service): Problem[] {
  let problems = serviceProblems.get(service);
  if (!problems) {
    problems = [];
    reportUnknownAnnotations(objectRef('Service', service.metadata), service.metadata.annotations, problems);
    serviceProblems.set(service, problems);
  }
  return problems;
}
