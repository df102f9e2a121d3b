/**
 * Ingresses written for the removed v1beta1 APIs (`extensions/v1beta1`,
 * `networking.k8s.io/v1beta1`) still circulate in tutorials. In local mode we
 * accept them by converting to v1 before validation, as the API server's
 * conversion did; a cluster only ever serves v1.
 */
const LEGACY = new Set(['extensions/v1beta1', 'networking.k8s.io/v1beta1']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function convertBackend(b: unknown): unknown {
  if (!isObject(b) || b.serviceName === undefined) return b;
  const port = b.servicePort;
  return {
    service: {
      name: b.serviceName,
      port:
        typeof port === 'number' || /^\d+$/.test(String(port)) ? { number: Number(port) } : { name: port },
    },
  };
}

export function convertLegacyIngress(raw: Json): Json {
  if (raw.kind !== 'Ingress' || !LEGACY.has(String(raw.apiVersion)) || !isObject(raw.spec)) return raw;
  const { backend, rules, ...spec } = raw.spec;
  return {
    ...raw,
    apiVersion: 'networking.k8s.io/v1',
    spec: {
      ...spec,
      ...(backend === undefined ? {} : { defaultBackend: convertBackend(backend) }),
      rules: Array.isArray(rules)
        ? rules.map((rule) =>
            isObject(rule) && isObject(rule.http) && Array.isArray(rule.http.paths)
              ? {
                  ...rule,
                  http: {
                    paths: rule.http.paths.map((p) =>
                      isObject(p)
                        ? { pathType: 'ImplementationSpecific', ...p, backend: convertBackend(p.backend) }
                        : p,
                    ),
                  },
                }
              : rule,
          )
        : rules,
    },
  };
}
