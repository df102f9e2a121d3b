/**
 * Step 5, policies and status: the Gateway API status (its problems
 * reported), the ssl-passthrough routes split off to SNI entries, and the
 * pattern files the backends' access lists name.
 */
import { statusProblems } from '../gateway/status-problems.ts';
import { splitPassthrough } from '../passthrough.ts';
import { buildPatternFiles } from '../pattern-files.ts';
import type { BuildStep } from './builder.ts';

export const policies: BuildStep<'policies'> = {
  name: 'policies',
  run({ snapshot, options, memo, problems, routes, backends }) {
    const gatewayStatus = routes.gatewayApi.status(routes.shadowed);
    problems.push(...statusProblems(gatewayStatus));
    const routing = splitPassthrough(routes.routing, backends.settled, problems);
    const patternFiles = buildPatternFiles(snapshot, options.patternfilesConfigMap, backends.list, problems);
    return { routing: memo.routing(routing), gatewayStatus, patternFiles };
  },
};
