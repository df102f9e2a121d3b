/**
 * Step 7, state: the DesiredState from the steps' results, with the error
 * pages, the TCP services and (local mode) the Services without ready
 * endpoints; problems deduplicated.
 */
import { type Problem, refLabel } from '../../store/problems.ts';
import { buildErrorfiles } from '../errorfiles.ts';
import { servicesWithoutReadyEndpoints } from '../ready-endpoints.ts';
import type { DesiredState } from '../types.ts';
import type { BuildStep } from './builder.ts';

export const state: BuildStep<'state'> = {
  name: 'state',
  run({ snapshot, options, problems, classes, routes, backends, tls, policies, snippets }) {
    const { gatewayApi } = routes;
    const { gatewayStatus, patternFiles } = policies;
    const ready = options.local ? servicesWithoutReadyEndpoints(backends.list, snapshot) : [];
    const state: DesiredState = {
      global: backends.global,
      defaults: classes.defaults,
      snippets,
      routing: policies.routing,
      backends: backends.list,
      tls,
      ...(gatewayApi.frontends.length > 0 && { listeners: gatewayApi.frontends }),
      // Routes keep their status while any exists: one that leaves our Gateways loses our entries.
      ...((gatewayStatus.gatewayClasses.length > 0 ||
        snapshot.httpRoutes.length > 0 ||
        snapshot.grpcRoutes.length > 0) && { gatewayStatus }),
      ...(options.errorfilesConfigMap && {
        errorfiles: buildErrorfiles(snapshot, options.errorfilesConfigMap, problems),
      }),
      ...(patternFiles.length > 0 && { patternFiles }),
      ...(options.tcpServicesConfigMap && {
        tcpServices: { services: backends.tcp.services, logFormat: backends.tcp.logFormat },
      }),
      problems: dedupeProblems([...problems, ...ready]),
    };
    return state;
  },
};

/** The first of the problems that say the same thing of the same object and field. */
export function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${refLabel(p.ref)}\u0000${p.field ?? ''}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
