/** The TLS part of the model: default certificate precedence, Secret references, ssl-passthrough routes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selfSignedCertificate } from '../emitters/config/self-signed.ts';
import { ingressObject, modelOf } from './model-fixtures.ts';

const PAIR = selfSignedCertificate('t.example', ['t.example'], 2);

const secret = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default' },
  type: 'kubernetes.io/tls',
  stringData: { 'tls.crt': PAIR.cert, 'tls.key': PAIR.key },
});
const configMap = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'haproxy-configmap', namespace: 'default' },
  data,
});
const ingress = (name: string, host: string, service: string, annotations: Record<string, string> = {}) =>
  ingressObject(name, host, service, annotations);

const build = modelOf;

describe('TLS model', () => {
  it('ssl-certificate names the default certificate; --default-ssl-certificate wins over it', () => {
    const objects = [secret('from-key'), secret('from-flag'), configMap({ 'ssl-certificate': 'from-key' })];
    assert.equal(build(objects).tls.defaultCertificate?.file, 'default_from-key.pem');
    const flagged = build(objects, { defaultSslCertificate: 'default/from-flag' });
    assert.equal(flagged.tls.defaultCertificate?.file, 'default_from-flag.pem');
  });

  it('certificate PEM is reduced to its blocks, without blank lines (Runtime API payload safe)', () => {
    const messy = {
      ...secret('messy'),
      stringData: { 'tls.crt': `junk\r\n\r\n${PAIR.cert}\n\n`, 'tls.key': PAIR.key },
    };
    const state = build([messy], { defaultSslCertificate: 'default/messy' });
    assert.equal(state.tls.defaultCertificate?.pem, `${PAIR.cert}${PAIR.key}`);
  });

  it('a client-ca Secret without ca.crt fails closed and is reported', () => {
    const state = build([
      { ...secret('no-ca'), type: 'Opaque', stringData: { 'tls.key': PAIR.key } },
      configMap({ 'client-ca': 'no-ca' }),
    ]);
    assert.equal(state.tls.frontend.clientVerify, 'reject');
    assert.ok(state.problems.some((p) => p.field === 'client-ca' && /has no ca\.crt/.test(p.message)));
  });

  it('ssl-passthrough hosts leave the HTTP maps for the SNI map', () => {
    const state = build([
      ingress('pt', 'pt.example', 'pt', { 'haproxy.org/ssl-passthrough': 'true' }),
      ingress('web', 'web.example', 'web'),
    ]);
    assert.deepEqual(state.routing.passthrough, [['pt.example', 'default_pt_80']]);
    assert.ok(state.routing.routes.every((r) => r.backend !== 'default_pt_80'));
    assert.ok(state.routing.routes.some((r) => r.backend === 'default_web_80'));
  });
});
