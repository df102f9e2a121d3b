/**
 * The model: a pure, deterministic function from a store snapshot and the
 * controller options to the desired HAProxy state. No I/O; every Ingress v1
 * rule the controller honours is decided here, by the build steps of
 * steps/index.ts, run in order.
 */
import type { Snapshot } from '../store/store.ts';
import { ModelMemo } from './memo.ts';
import { servicesWithoutReadyEndpoints } from './ready-endpoints.ts';
import type { ModelOptions } from './steps/builder.ts';
import { runBuildSteps } from './steps/index.ts';
import { dedupeProblems } from './steps/state.ts';
import type { DesiredState } from './types.ts';

export type { ModelOptions } from './steps/builder.ts';

/**
 * `memo` carries what earlier passes computed (see memo.ts); without one,
 * everything is computed afresh, with the same result.
 */
export function buildModel(snapshot: Snapshot, options: ModelOptions, memo = new ModelMemo()): DesiredState {
  // Only EndpointSlices changed since the last pass: the same state with fresh endpoints.
  const inputs = passInputs(snapshot, options);
  // Only the rules of a few Ingresses changed: the last pass with those vhosts rebuilt.
  memo.followRoutes(inputs, snapshot, options);
  const reused = memo.reusePass(inputs, snapshot);
  if (reused) {
    const ready = options.local ? servicesWithoutReadyEndpoints(reused.state.backends, snapshot) : [];
    return { ...reused.state, problems: dedupeProblems([...snapshot.problems, ...reused.own, ...ready]) };
  }
  const { state, problems, routes } = runBuildSteps({
    snapshot,
    options,
    memo,
    problems: [...snapshot.problems],
  });
  memo.rememberPass({
    inputs,
    ingresses: snapshot.ingresses,
    slices: snapshot.endpointSlices,
    state,
    own: problems.slice(snapshot.problems.length),
    facts: routes.facts,
  });
  return state;
}

/** Everything a pass reads but the EndpointSlices (and the input problems, taken fresh). */
const passInputs = (snapshot: Snapshot, options: ModelOptions): unknown[] => [
  options,
  snapshot.ingresses,
  snapshot.ingressClasses,
  snapshot.services,
  snapshot.secrets,
  snapshot.configMaps,
  snapshot.namespaces,
  snapshot.gatewayClasses,
  snapshot.gateways,
  snapshot.httpRoutes,
  snapshot.grpcRoutes,
  snapshot.referenceGrants,
];
