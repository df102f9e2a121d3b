/** Model fixtures for the unit tests: plain Kubernetes objects in, desired state out. */
import { type Parsed, parseObject, Store } from '../store/store.ts';
import { buildModel, type ModelOptions } from './build.ts';
import type { DesiredState } from './types.ts';

export const MODEL_OPTIONS: ModelOptions = {
  configMap: 'default/haproxy-configmap',
  ingressClass: 'haproxy',
  emptyIngressClass: false,
  defaultBackendService: undefined,
  defaultSslCertificate: undefined,
};

/** Parses fixtures through the store's boundary; a fixture that does not parse is a broken test. */
export function parseAll(objects: readonly Record<string, unknown>[]): Parsed[] {
  return objects.map((o) => {
    const result = parseObject(o);
    if (!result.ok) throw new Error(`fixture does not parse: ${JSON.stringify(result)}`);
    return result.value;
  });
}

export function modelOf(
  objects: readonly Record<string, unknown>[],
  options: Partial<ModelOptions> = {},
): DesiredState {
  const store = new Store();
  store.replaceOrigin('test', parseAll(objects));
  return buildModel(store.snapshot(), { ...MODEL_OPTIONS, ...options });
}
