/** The TLS step: the Ingresses' certificates, the Gateway listeners' joined to them, client authentication. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selfSignedCertificate } from '../../emitters/config/self-signed.ts';
import { gateway, gatewayClass } from '../gateway/gateway-fixtures.ts';
import type { Certificate } from '../types.ts';
import { builderBefore, ingress, service } from './step-fixtures.ts';
import { tls, withGatewayCertificates } from './tls.ts';

const PAIR = selfSignedCertificate('t.example', ['t.example'], 2);

const secret = (
  name: string,
  data: Record<string, string> = { 'tls.crt': PAIR.cert, 'tls.key': PAIR.key },
  type = 'kubernetes.io/tls',
) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type, stringData: data });

const certificate = (file: string, ...sni: string[]): Certificate => ({ file, pem: file, sni });

describe('TLS step', () => {
  it("an Ingress's TLS Secret is a certificate for its host", () => {
    const builder = builderBefore('tls', [
      secret('web-tls'),
      service('web'),
      ingress('web', { host: 'web.example', service: 'web', tlsSecret: 'web-tls' }),
    ]);
    const result = tls.run(builder);
    assert.deepEqual(
      result.certificates.map((c) => [c.file, c.sni]),
      [['default_web-tls.pem', ['web.example']]],
    );
    assert.equal(result.clientAuth, undefined);
  });

  it("a Gateway HTTPS listener's certificate joins the Ingresses'", () => {
    const builder = builderBefore('tls', [
      secret('gw-tls'),
      gatewayClass(),
      gateway('gw', [
        {
          name: 'https',
          port: 443,
          protocol: 'HTTPS',
          hostname: 'gw.example',
          certificateRefs: [{ name: 'gw-tls' }],
        },
      ]),
    ]);
    assert.equal(builder.routes.gatewayApi.certificates.length, 1);
    const result = tls.run(builder);
    assert.deepEqual(
      result.certificates.flatMap((c) => c.sni),
      ['gw.example'],
    );
  });

  it('hosts of an Ingress with client-auth-ca ask clients for a certificate of that CA', () => {
    const builder = builderBefore('tls', [
      secret('web-tls'),
      secret('clients', { 'ca.crt': PAIR.cert }, 'Opaque'),
      service('web'),
      ingress('web', {
        host: 'web.example',
        service: 'web',
        tlsSecret: 'web-tls',
        annotations: { 'haproxy.org/client-auth-ca': 'clients' },
      }),
    ]);
    const result = tls.run(builder);
    assert.deepEqual(result.clientAuth, [
      { sni: 'web.example', certificate: 'default_web-tls.pem', caFile: result.clientAuth?.[0]?.caFile },
    ]);
    assert.ok(result.files.some((f) => f.file === result.clientAuth?.[0]?.caFile));
  });
});

describe('withGatewayCertificates', () => {
  it('keeps the certificates when Gateways have none', () => {
    const ingresses = [certificate('a.pem', 'a.example')];
    assert.equal(withGatewayCertificates(ingresses, []), ingresses);
  });

  it('one Secret is one file for the names of both; a name Ingresses serve stays theirs', () => {
    const merged = withGatewayCertificates(
      [certificate('shared.pem', 'b.example'), certificate('ingress.pem', 'taken.example')],
      [certificate('shared.pem', 'a.example'), certificate('gateway.pem', 'taken.example', 'own.example')],
    );
    assert.deepEqual(
      merged.map((c) => [c.file, c.sni]),
      [
        ['gateway.pem', ['own.example']],
        ['ingress.pem', ['taken.example']],
        ['shared.pem', ['a.example', 'b.example']],
      ],
    );
  });
});
