/**
 * Step 1, classes: the ConfigMap's layer (its unknown keys reported), the
 * global and defaults settings it sets, and the Ingresses of our class
 * (IngressClass filtering), oldest first; the others are reported as ignored.
 */
import { objectRef } from '../../store/problems.ts';
import { ignoredIngress, ingressClassifier } from '../ingress-class.ts';
import { byAge } from '../routes.ts';
import { BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from '../settings/keys.ts';
import { legacyConnectionMode } from '../settings/reference-keys.ts';
import { type Origins, resolveAll, type SettingsLayer } from '../settings/registry.ts';
import { logsTraffic } from '../traffic-logs.ts';
import { reportUnknownKeys } from '../unknown-keys.ts';
import type { BuildStep } from './builder.ts';

export const classes: BuildStep<'classes'> = {
  name: 'classes',
  run({ snapshot, options, problems }) {
    const configMap = snapshot.configMaps.get(options.configMap);
    const configLayer: SettingsLayer | undefined = configMap && {
      scope: 'configmap',
      ref: objectRef('ConfigMap', configMap.metadata),
      values: configMap.data,
    };
    if (configLayer) reportUnknownKeys(configLayer, problems);
    const layers = configLayer ? [configLayer] : [];
    const globalOrigins: Origins<typeof GLOBAL_KEYS> = {};
    const global = resolveAll(GLOBAL_KEYS, layers, problems, globalOrigins);
    const defaults = resolveAll(DEFAULTS_KEYS, layers, problems);
    defaults.httpConnectionMode = legacyConnectionMode(defaults.httpConnectionMode, configLayer, problems);
    const timeoutServer = resolveAll({ t: BACKEND_KEYS.timeoutServer }, layers, problems).t;

    const classify = ingressClassifier(snapshot.ingressClasses, options);
    const ingresses = snapshot.ingresses
      .filter((ingress) => {
        const verdict = classify(ingress);
        if (!verdict.ours) problems.push(ignoredIngress(ingress, verdict));
        return verdict.ours;
      })
      .sort(byAge);
    return {
      configLayer,
      layers,
      global,
      globalOrigins,
      defaults: { ...defaults, timeoutServer, logTraffic: logsTraffic(global.syslogServer) },
      ingresses,
    };
  },
};
