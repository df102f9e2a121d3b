import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refLabel } from '../../store/problems.ts';
import { modelOf } from '../model-fixtures.ts';
import { gateway, gatewayClass, httpRoute, ref, service } from './gateway-fixtures.ts';

describe('Gateway API status as problems (what local mode logs)', () => {
  it('says why a listener is not served and why a route does not attach or resolve', () => {
    const state = modelOf([
      gatewayClass(),
      service('web'),
      gateway('gw', [
        { name: 'http', port: 80, hostname: 'a.example' },
        { name: 'tcp', port: 5000, protocol: 'TCP' },
      ]),
      httpRoute('elsewhere', { hostnames: ['b.example'], rules: [{ backendRefs: [ref('web')] }] }),
      httpRoute('missing', { hostnames: ['a.example'], rules: [{ backendRefs: [ref('gone')] }] }),
    ]);
    const said = state.problems
      .filter((p) => ['Gateway', 'HTTPRoute'].includes('kind' in p.ref ? p.ref.kind : ''))
      .map((p) => `${refLabel(p.ref)} ${p.field} ${p.reason} ${p.severity}: ${p.message}`);
    assert.deepEqual(said, [
      'Gateway default/gw listener tcp Unsupported error: Accepted False (UnsupportedProtocol): Protocol TCP is not supported; use HTTP or HTTPS',
      'HTTPRoute default/elsewhere parentRef gw Unused warning: Accepted False (NoMatchingListenerHostname): No listener hostname intersects the route hostnames',
      'HTTPRoute default/missing parentRef gw UnresolvedReference error: ResolvedRefs False (BackendNotFound): Service default/gone not found',
    ]);
  });
});
