/**
 * The settings registry: every annotation and ConfigMap key is declared once,
 * with where it is allowed, its schema, default and description. Validation,
 * resolution (Service > Ingress > ConfigMap > default) and the reference docs
 * all come from these declarations.
 */
import type { z } from 'zod';
import type { ObjectRef, Problem } from '../../store/problems.ts';

export type Scope = 'configmap' | 'ingress' | 'service';

export interface SettingKey<T> {
  name: string;
  aliases?: readonly string[];
  scopes: readonly Scope[];
  schema: z.ZodType<T>;
  default: T;
  description: string;
}

export const defineKey = <T>(key: SettingKey<T>): SettingKey<T> => key;

/** Annotation prefixes accepted, as in the reference controller. */
export const ANNOTATION_PREFIXES = ['haproxy.org/', 'haproxy.com/', 'ingress.kubernetes.io/'] as const;

/** Longest accepted value: keeps a pasted blob from bloating the config. */
const MAX_VALUE_LENGTH = 4096;

/** One place settings come from: an object's annotations or the ConfigMap's data. */
export interface SettingsLayer {
  scope: Scope;
  /** The object that carries the values. */
  ref: ObjectRef;
  values: Readonly<Record<string, string>>;
  /**
   * The key as the user wrote it, by the field looked up, when the values were
   * translated from another dialect (ingress-nginx): problems and origins name it.
   */
  written?: Readonly<Record<string, string>>;
}

/**
 * Bare key names present in a layer, computed once per values object: most
 * Ingresses and Services carry none of our annotations, and every key lookup
 * can then be answered without string building.
 */
const presentNames = new WeakMap<object, Set<string>>();

function namesIn(layer: SettingsLayer): Set<string> {
  let names = presentNames.get(layer.values);
  if (!names) {
    names = new Set<string>();
    for (const field of Object.keys(layer.values)) {
      if (layer.scope === 'configmap') names.add(field);
      else {
        const prefix = ANNOTATION_PREFIXES.find((p) => field.startsWith(p));
        if (prefix) names.add(field.slice(prefix.length));
        // Written without a prefix, as the reference's own examples do (a key name holds no `/`).
        else if (!field.includes('/')) names.add(field);
      }
    }
    presentNames.set(layer.values, names);
  }
  return names;
}

/** True when the layer holds any key with our names (most objects hold none). */
export const carriesSettings = (layer: SettingsLayer): boolean => namesIn(layer).size > 0;

function lookup(key: SettingKey<unknown>, layer: SettingsLayer): { field: string; raw: string } | undefined {
  const present = namesIn(layer);
  if (present.size === 0) return undefined;
  const names = [key.name, ...(key.aliases ?? [])];
  for (const name of names) {
    if (!present.has(name)) continue;
    if (layer.scope === 'configmap') {
      const raw = layer.values[name];
      if (raw !== undefined) return { field: name, raw };
      continue;
    }
    for (const prefix of ANNOTATION_PREFIXES) {
      const raw = layer.values[prefix + name];
      if (raw !== undefined) return { field: prefix + name, raw };
    }
  }
  // An annotation without prefix counts only where no spelling of the key has one.
  if (layer.scope === 'configmap') return undefined;
  for (const name of names) {
    const raw = present.has(name) ? layer.values[name] : undefined;
    if (raw !== undefined) return { field: name, raw };
  }
  return undefined;
}

/** Parses one key's value from one layer; a bad value becomes a problem and is treated as absent. */
export function readKey<T>(
  key: SettingKey<T>,
  layer: SettingsLayer,
  problems: Problem[],
): { value: T; from: KeyOrigin } | undefined {
  if (!key.scopes.includes(layer.scope)) return undefined;
  const found = lookup(key as SettingKey<unknown>, layer);
  if (!found) return undefined;
  const field = layer.written?.[found.field] ?? found.field;
  const reject = (message: string) => {
    problems.push({ ref: layer.ref, field, reason: 'InvalidValue', message, severity: 'error' });
    return undefined;
  };
  if (found.raw.length > MAX_VALUE_LENGTH)
    return reject(`value longer than ${MAX_VALUE_LENGTH} characters; ignored`);
  const parsed = key.schema.safeParse(found.raw);
  if (!parsed.success) {
    const shown = JSON.stringify(found.raw.length > 60 ? `${found.raw.slice(0, 60)}…` : found.raw);
    return reject(`invalid value ${shown}: ${parsed.error.issues[0]?.message ?? 'invalid'}; ignored`);
  }
  return { value: parsed.data, from: { ref: layer.ref, field } };
}

/**
 * Resolves a key across layers ordered from most to least specific
 * (Service, Ingress, ConfigMap). Every layer is validated, so a bad value is
 * reported even where a more specific layer overrides it.
 */
/** Where a resolved value was set: the object and the exact key, with its prefix. */
export interface KeyOrigin {
  ref: ObjectRef;
  field: string;
}

/** Where each value of a group came from; absent for values left at their default. */
export type Origins<K> = Partial<Record<keyof K, KeyOrigin>>;

export function resolveKey<T>(
  key: SettingKey<T>,
  layers: readonly SettingsLayer[],
  problems: Problem[],
  onOrigin?: (origin: KeyOrigin) => void,
): T {
  let result: { value: T; from: KeyOrigin } | undefined;
  for (const layer of layers) {
    const read = readKey(key, layer, problems);
    if (read && !result) result = read;
  }
  if (!result) return key.default;
  onOrigin?.(result.from);
  return result.value;
}

/** The resolved values of a group of keys: the type every settings object is derived from. */
export type Resolved<K extends Record<string, SettingKey<unknown>>> = {
  [P in keyof K]: K[P] extends SettingKey<infer T> ? T : never;
};

/** Resolves a whole group of keys at once, e.g. every backend setting. */
export function resolveAll<K extends Record<string, SettingKey<unknown>>>(
  keys: K,
  layers: readonly SettingsLayer[],
  problems: Problem[],
  origins?: Origins<K>,
): Resolved<K> {
  const out: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(keys))
    out[field] = resolveKey(
      key,
      layers,
      problems,
      origins && ((origin) => (origins[field as keyof K] = origin)),
    );
  return out as Resolved<K>;
}
