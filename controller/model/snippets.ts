/**
 * Config snippets are raw HAProxy lines, so they are honoured only when the
 * operator starts the controller with --allow-config-snippets. Without it every
 * snippet found is reported where it was set and removed from the model.
 */
import type { Problem } from '../store/problems.ts';
import type { Snapshot } from '../store/store.ts';
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

const found = new WeakMap<object, Problem[]>();

/** The snippet keys a layer sets, as problems; worked out once per values object. */
function snippetProblems(layer: SettingsLayer): readonly Problem[] {
  if (!carriesSettings(layer)) return [];
  let problems = found.get(layer.values);
  if (!problems) {
    problems = [];
    for (const key of SNIPPET_KEYS) {
      if (!key.scopes.includes(layer.scope)) continue;
      const fields =
        layer.scope === 'configmap' ? [key.name] : ANNOTATION_PREFIXES.map((prefix) => prefix + key.name);
      for (const field of fields) {
        if (layer.values[field] === undefined) continue;
        problems.push({
          object: layer.object,
          field,
          message:
            'config snippets are disabled (start the controller with --allow-config-snippets); ignored',
          severity: 'warning',
        });
      }
    }
    found.set(layer.values, problems);
  }
  return problems;
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
  ingressLabels: readonly { object: string; annotations: Record<string, string> }[],
  problems: Problem[],
): Pick<DesiredState, 'global' | 'backends'> {
  if (configLayer) reportLayer(configLayer, problems);
  for (const ingress of ingressLabels)
    reportLayer({ scope: 'ingress', object: ingress.object, values: ingress.annotations }, problems);
  for (const backend of state.backends) {
    const key = backend.service.replace(/^Service /, '');
    const service = snapshot.services.get(key);
    if (service)
      reportLayer(
        { scope: 'service', object: backend.service, values: service.metadata.annotations },
        problems,
      );
  }
  const backends: Backend[] = state.backends.map((b) =>
    b.settings.backendConfigSnippet.length === 0
      ? b
      : { ...b, settings: { ...b.settings, backendConfigSnippet: [] } },
  );
  return {
    global: { ...state.global, globalConfigSnippet: [], frontendConfigSnippet: [], statsConfigSnippet: [] },
    backends,
  };
}
