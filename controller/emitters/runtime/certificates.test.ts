import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandLine } from '../../haproxy/cli-socket.ts';
import type { Certificate } from '../../model/types.ts';
import { planCertificates, type TlsState } from './certificates.ts';

const DIR = '/etc/hsi';
const cert = (file: string, pem: string, sni: string[]): Certificate => ({ file, pem, sni });
const A = cert('web_a.pem', 'A1', ['a.example']);
const B = cert('web_b.pem', 'B1', ['b.example', '*.b.example']);
const DEFAULT = cert('web_default.pem', 'D1', []);
const state = (certificates: Certificate[], defaultCertificate?: Certificate): TlsState => ({
  certificates,
  defaultCertificate,
});
const lines = (before: TlsState, after: TlsState) =>
  planCertificates(before, after, DIR).commands.map(commandLine);

describe('certificate plan', () => {
  it('is empty when nothing changed', () => {
    const plan = planCertificates(state([A, B]), state([A, B]), DIR);
    assert.deepEqual(plan, { commands: [], write: [], remove: [] });
  });

  it('replaces a rotated certificate in one transaction and rewrites its file with mode 0600', () => {
    const rotated = { ...A, pem: 'A2' };
    const plan = planCertificates(state([A, B]), state([rotated, B]), DIR);
    assert.deepEqual(plan.commands, [
      { line: 'set ssl cert /etc/hsi/certs/web_a.pem', payload: 'A2' },
      'commit ssl cert /etc/hsi/certs/web_a.pem',
    ]);
    assert.deepEqual(plan.write, [{ path: 'certs/web_a.pem', content: 'A2', mode: 0o600 }]);
    assert.deepEqual(plan.remove, []);
  });

  it('creates, fills, commits and lists a new certificate, and rewrites the crt-list', () => {
    const plan = planCertificates(state([A]), state([A, B]), DIR);
    assert.deepEqual(plan.commands, [
      'new ssl cert /etc/hsi/certs/web_b.pem',
      { line: 'set ssl cert /etc/hsi/certs/web_b.pem', payload: 'B1' },
      'commit ssl cert /etc/hsi/certs/web_b.pem',
      {
        line: 'add ssl crt-list /etc/hsi/certs/crt-list.txt',
        payload: '/etc/hsi/certs/web_b.pem b.example *.b.example',
      },
    ]);
    assert.deepEqual(plan.write, [
      { path: 'certs/web_b.pem', content: 'B1', mode: 0o600 },
      {
        path: 'certs/crt-list.txt',
        content: '/etc/hsi/certs/web_a.pem a.example\n/etc/hsi/certs/web_b.pem b.example *.b.example\n',
        mode: 0o644,
      },
    ]);
  });

  it('removes a certificate from the crt-list and the store, and deletes its file', () => {
    const plan = planCertificates(state([A, B]), state([B]), DIR);
    assert.deepEqual(plan.commands, [
      'del ssl crt-list /etc/hsi/certs/crt-list.txt /etc/hsi/certs/web_a.pem',
      'del ssl cert /etc/hsi/certs/web_a.pem',
    ]);
    assert.deepEqual(plan.remove, ['certs/web_a.pem']);
    assert.equal(plan.write[0]?.path, 'certs/crt-list.txt');
  });

  it('re-lists a certificate whose SNI names changed', () => {
    const more = { ...A, sni: ['a.example', 'www.a.example'] };
    assert.deepEqual(lines(state([A]), state([more])), [
      'del ssl crt-list /etc/hsi/certs/crt-list.txt /etc/hsi/certs/web_a.pem',
      'add ssl crt-list /etc/hsi/certs/crt-list.txt <<',
    ]);
  });

  it('removes before it adds, so an SNI name moving between Secrets is never claimed twice', () => {
    const moved = cert('web_c.pem', 'C1', ['a.example']);
    assert.deepEqual(lines(state([A]), state([moved])), [
      'del ssl crt-list /etc/hsi/certs/crt-list.txt /etc/hsi/certs/web_a.pem',
      'del ssl cert /etc/hsi/certs/web_a.pem',
      'new ssl cert /etc/hsi/certs/web_c.pem',
      'set ssl cert /etc/hsi/certs/web_c.pem <<',
      'commit ssl cert /etc/hsi/certs/web_c.pem',
      'add ssl crt-list /etc/hsi/certs/crt-list.txt <<',
    ]);
  });

  it('replaces the default certificate in place and never deletes its store', () => {
    const rotated = { ...DEFAULT, pem: 'D2' };
    assert.deepEqual(lines(state([A], DEFAULT), state([A], rotated)), [
      'set ssl cert /etc/hsi/certs/web_default.pem <<',
      'commit ssl cert /etc/hsi/certs/web_default.pem',
    ]);
    // The default Secret also serving a host, then no longer: its crt-list entry goes, its store stays.
    const listed = { ...DEFAULT, sni: ['d.example'] };
    const plan = planCertificates(state([A, listed], DEFAULT), state([A], DEFAULT), DIR);
    assert.deepEqual(plan.commands, [
      'del ssl crt-list /etc/hsi/certs/crt-list.txt /etc/hsi/certs/web_default.pem',
    ]);
    assert.deepEqual(plan.remove, []);
  });

  it('lists the default certificate for a host without creating a second store', () => {
    const listed = { ...DEFAULT, sni: ['d.example'] };
    assert.deepEqual(lines(state([A], DEFAULT), state([A, listed], DEFAULT)), [
      'add ssl crt-list /etc/hsi/certs/crt-list.txt <<',
    ]);
  });

  it('rotates a certificate that is both listed and the default once', () => {
    const listed = { ...DEFAULT, sni: ['d.example'] };
    const rotated = { ...listed, pem: 'D2' };
    assert.deepEqual(lines(state([listed], listed), state([rotated], { ...DEFAULT, pem: 'D2' })), [
      'set ssl cert /etc/hsi/certs/web_default.pem <<',
      'commit ssl cert /etc/hsi/certs/web_default.pem',
    ]);
  });
});
