/** Fixtures for the build steps' unit tests: objects in, the builder as a step finds it. */
import { type Snapshot, Store } from '../../store/store.ts';
import { ModelMemo } from '../memo.ts';
import { MODEL_OPTIONS, parseAll } from '../model-fixtures.ts';
import type { BuilderBefore, ModelOptions, StepName } from './builder.ts';
import { runBuildSteps } from './index.ts';

type Obj = Record<string, unknown>;

/** A store snapshot of `objects`, parsed as the store parses them. */
export function snapshotOf(objects: readonly Obj[]): Snapshot {
  const store = new Store();
  store.replaceOrigin('test', parseAll(objects));
  return store.snapshot();
}

/**
 * The builder step `name` runs over: the inputs (objects, or a snapshot to build
 * from again) and the results of the steps before it.
 */
export function builderBefore<K extends StepName>(
  name: K,
  objects: readonly Obj[] | Snapshot,
  options: Partial<ModelOptions> = {},
  memo = new ModelMemo(),
): BuilderBefore<K> {
  const snapshot = Array.isArray(objects) ? snapshotOf(objects) : (objects as Snapshot);
  return runBuildSteps(
    { snapshot, options: { ...MODEL_OPTIONS, ...options }, memo, problems: [...snapshot.problems] },
    name,
  );
}

export const service = (
  name: string,
  annotations: Record<string, string> = {},
  namespace = 'default',
): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, annotations },
  spec: { ports: [{ port: 80 }] },
});

export const configMap = (data: Record<string, string>, name = 'default/haproxy-configmap'): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace: name.split('/')[0], name: name.split('/')[1] },
  data,
});

export interface IngressSpec {
  host?: string;
  path?: string;
  service?: string;
  className?: string | null;
  annotations?: Record<string, string>;
  created?: string;
  defaultBackend?: string;
  tlsSecret?: string;
}

/** An Ingress with one rule (host, path → service port 80), or only a defaultBackend. */
export function ingress(name: string, spec: IngressSpec = {}): Obj {
  const backend = (service: string) => ({ service: { name: service, port: { number: 80 } } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: 'default',
      annotations: spec.annotations ?? {},
      ...(spec.created && { creationTimestamp: spec.created }),
    },
    spec: {
      ...(spec.className !== null && { ingressClassName: spec.className ?? 'haproxy' }),
      ...(spec.defaultBackend && { defaultBackend: backend(spec.defaultBackend) }),
      ...(spec.tlsSecret && { tls: [{ hosts: [spec.host], secretName: spec.tlsSecret }] }),
      rules: spec.service
        ? [
            {
              ...(spec.host && { host: spec.host }),
              http: {
                paths: [{ path: spec.path ?? '/', pathType: 'Prefix', backend: backend(spec.service) }],
              },
            },
          ]
        : [],
    },
  };
}

export const ingressClass = (name: string, controller: string): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name },
  spec: { controller },
});
