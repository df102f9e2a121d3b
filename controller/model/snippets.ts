/**
 * Config snippets are raw HAProxy lines, so they are honoured only when the
 * operator starts the controller with --allow-config-snippets. Without it every
 * snippet found is reported where it was set and removed from the model.
 */
import { objectRef, type Problem } from '../store/problems.ts';
import type { Ingress } from '../store/schemas.ts';
import { nsName, type Snapshot } from '../store/store.ts';
import { BACKEND_KEYS, GLOBAL_KEYS } from './settings/keys.ts';
import {
  ANNOTATION_PREFIXES,
  carriesSettings,
  type SettingKey,
  type SettingsLayer,
} from './settings/registry.ts';
import type { Backend, DesiredState } from './types.ts';

const SNIPPET_KEYS: readonly SettingKey<unknown>[] = [
  GLOBAL_KEYS.globalConfigSnippet,
  GLOBAL_KEYS.frontendConfigSnippet,
  GLOBAL_KEYS.statsConfigSnippet,
  BACKEND_KEYS.backendConfigSnippet,
];

const found = new WeakMap<object, readonly Problem[]>();
/** What most layers give: one shared empty list. */
const NONE: readonly Problem[] = [];

/** The snippet keys a layer sets, as problems; worked out once per values object. */
function snippetProblems(layer: SettingsLayer): readonly Problem[] {
  const known = found.get(layer.values);
  if (known) return known;
  const problems: Problem[] = [];
  if (carriesSettings(layer))
    for (const key of SNIPPET_KEYS) {
      if (!key.scopes.includes(layer.scope)) continue;
      const fields =
        layer.scope === 'configmap' ? [key.name] : ANNOTATION_PREFIXES.map((prefix) => prefix + key.name);
      for (const field of fields) {
        if (layer.values[field] === undefined) continue;
        problems.push({
          ref: layer.ref,
          field,
          reason: 'SnippetIgnored',
          message:
            'config snippets are disabled (start the controller with --allow-config-snippets); ignored',
          severity: 'warning',
        });
      }
    }
  const result = problems.length > 0 ? problems : NONE;
  found.set(layer.values, result);
  return result;
}

function reportLayer(layer: SettingsLayer, problems: Problem[]): void {
  for (const problem of snippetProblems(layer)) problems.push(problem);
}

/**
 * Removes every snippet from the state and reports where each was set: the
 * ConfigMap, the Ingresses served, and the Services behind the backends.
 */
export function withoutSnippets(
  state: Pick<DesiredState, 'global' | 'backends'>,
  snapshot: Snapshot,
  configLayer: SettingsLayer | undefined,
  ingresses: readonly Ingress[],
  problems: Problem[],
): Pick<DesiredState, 'global' | 'backends'> {
  if (configLayer) reportLayer(configLayer, problems);
  // Every pass runs this over every Ingress and backend: a layer is built only for values not seen before.
  const report = (values: Record<string, string>, layer: () => SettingsLayer) => {
    const known = found.get(values);
    if (known) problems.push(...known);
    else reportLayer(layer(), problems);
  };
  for (const ingress of ingresses)
    report(ingress.metadata.annotations, () => ({
      scope: 'ingress',
      ref: objectRef('Ingress', ingress.metadata),
      values: ingress.metadata.annotations,
    }));
  const seen = new Set<object>();
  for (const backend of state.backends) {
    const service = snapshot.services.get(nsName(backend.service.namespace, backend.service.name));
    if (!service || seen.has(service)) continue;
    seen.add(service);
    report(service.metadata.annotations, () => ({
      scope: 'service',
      ref: backend.service,
      values: service.metadata.annotations,
    }));
  }
  const backends: Backend[] = state.backends.map((b) => {
    if (!b.snippet) return b;
    const { snippet: _snippet, ...rest } = b;
    return { ...rest, settings: { ...b.settings, backendConfigSnippet: [] } };
  });
  return {
    global: { ...state.global, globalConfigSnippet: [], frontendConfigSnippet: [], statsConfigSnippet: [] },
    backends,
  };
}
