/**
 * Step 3, backends: the backends as served. Snippets are removed (and
 * reported) unless allowed, the TCP services' backends join, and each backend
 * comes back as the previous pass's object where nothing in it changed.
 */
import { withoutSnippets } from '../snippets.ts';
import { buildTcpServices } from '../tcp-services.ts';
import type { BuildStep } from './builder.ts';

export const backends: BuildStep<'backends'> = {
  name: 'backends',
  run({ snapshot, options, memo, problems, classes, routes }) {
    let settled = { global: classes.global, backends: routes.backends };
    if (!options.allowConfigSnippets) {
      settled = withoutSnippets(settled, snapshot, classes.configLayer, classes.ingresses, problems);
    }
    const tcp = buildTcpServices(snapshot, options.tcpServicesConfigMap, classes.configLayer, problems);
    const list = [...settled.backends, ...tcp.backends]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((b) => memo.backend(b));
    memo.settle(list);
    return { global: settled.global, settled: settled.backends, tcp, list };
  },
};
