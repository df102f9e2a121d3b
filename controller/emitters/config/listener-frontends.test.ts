/** Frontends of Gateway listeners on ports of their own, as rendered. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateway, gatewayClass, httpRoute, ref, service } from '../../model/gateway/gateway-fixtures.ts';
import { modelOf } from '../../model/model-fixtures.ts';
import { planSlots, type SlotTable } from '../runtime/slots.ts';
import { renderConfig } from './render.ts';
import { selfSignedCertificate } from './self-signed.ts';
import { buildView, type Listen } from './view.ts';

const LISTEN: Listen = {
  ipv4Address: '127.0.0.1',
  ipv6Address: undefined,
  httpPort: 8080,
  httpsPort: 8443,
  statsPort: 1024,
  healthzPort: 1042,
};

function frontend(config: string, name: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(`frontend ${name}`);
  assert.ok(start >= 0, `frontend ${name} rendered`);
  const end = lines.findIndex((l, i) => i > start && l !== '' && !l.startsWith(' '));
  return lines.slice(start + 1, end).map((l) => l.trim());
}

const PAIR = selfSignedCertificate('secure.example', ['secure.example'], 2);

function render(configMapData: Record<string, string> = {}, secret = 'missing'): string {
  const state = modelOf([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cert', namespace: 'default' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': PAIR.cert, 'tls.key': PAIR.key },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'haproxy-configmap', namespace: 'default' },
      data: configMapData,
    },
    gatewayClass(),
    service('web'),
    gateway('gw', [
      { name: 'plain', port: 9080 },
      { name: 'secure', port: 9443, protocol: 'HTTPS', certificateRefs: [{ name: secret }] },
    ]),
    httpRoute('r', { rules: [{ backendRefs: [ref('web')] }] }),
  ]);
  const slots: SlotTable = new Map(state.backends.map((b) => [b.name, planSlots(b, undefined)]));
  return renderConfig(
    buildView(state, slots, LISTEN, { configDir: '/etc/hsi', statsSocket: '/run/hsi/admin.sock' }),
  );
}

describe('Gateway listener frontends', () => {
  it('are bound on the declared port, set the port a redirect keeps, and route with their own map', () => {
    const lines = frontend(render(), 'listener_9080');
    assert.ok(lines.includes('bind 127.0.0.1:9080'));
    assert.ok(lines.includes('http-request set-header X-Forwarded-Proto http'));
    assert.ok(lines.includes('http-request set-var(txn.port_suffix) str(:9080)'));
    assert.ok(lines.some((l) => l.includes('map_beg(/etc/hsi/maps/routes-9080.map)')));
  });

  it('an HTTPS listener without a usable certificate gets no frontend (it is not programmed)', () => {
    assert.equal(render().includes('frontend listener_9443'), false);
  });

  it('an HTTPS listener terminates TLS as the HTTPS frontend does', () => {
    const bind = frontend(render({}, 'cert'), 'listener_9443').find((l) => l.startsWith('bind '));
    assert.match(
      bind ?? '',
      /^bind 127\.0\.0\.1:9443 ssl crt \S+ crt-list \/etc\/hsi\/certs\/crt-list\.txt alpn h2,http\/1\.1$/,
    );
  });

  it('refuse every connection while client-ca is unusable, as the HTTPS frontend does', () => {
    const state = render({ 'client-ca': 'missing-ca' }, 'cert');
    assert.ok(frontend(state, 'https').includes('tcp-request connection reject'));
    assert.ok(frontend(state, 'listener_9443').includes('tcp-request connection reject'));
    // The plain listener is not TLS: nothing to verify there.
    assert.equal(frontend(state, 'listener_9080').includes('tcp-request connection reject'), false);
  });
});
