/**
 * Objects for the test cluster. With no kubelet, a test plays the endpoints controller:
 * it writes the EndpointSlice that lists the echo pods started on loopback addresses.
 * The API server refuses loopback IPs in IPv4 slices, so these slices are of type FQDN
 * with the IP literals as names, which the controller accepts.
 */
import { type EndpointSpec, endpointSlice } from '../harness/objects.ts';
import type { Pods } from '../harness/pods.ts';

/** An EndpointSlice for `serviceName` listing every pod of `pods` as ready (or as `conditions` says). */
export function endpointSliceForPods(
  serviceName: string,
  pods: Pods,
  options: {
    portName?: string;
    namespace?: string;
    sliceName?: string;
    conditions?: (index: number) => Omit<EndpointSpec, 'address' | 'name'>;
  } = {},
) {
  const endpoints = pods.addresses.map((address, index) => ({
    address,
    name: pods.names[index],
    ...options.conditions?.(index),
  }));
  return {
    ...endpointSlice(
      serviceName,
      { ...(options.portName !== undefined ? { name: options.portName } : {}), port: pods.port },
      endpoints,
      options.namespace,
      options.sliceName,
    ),
    addressType: 'FQDN',
  };
}

export function namespace(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
