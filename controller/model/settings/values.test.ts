/**
 * Value schemas of the backend, global and defaults keys: the spellings users
 * copy from the reference controller are accepted, and every key refuses bad
 * values — wrong type, out of range, injection, huge strings — with a problem
 * naming the object and key, leaving the default in place.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '../../store/problems.ts';
import { BACKEND_KEYS, DEFAULTS_KEYS, GLOBAL_KEYS } from './keys.ts';
import { readKey, type SettingKey } from './registry.ts';
import { TLS_BACKEND_KEYS } from './tls-keys.ts';
import { checkHttp, configSnippet, logFormat, proxyProtocol, syslogServers } from './values.ts';

describe('value schemas', () => {
  it('check-http: URI, method + URI, method + URI + version', () => {
    assert.deepEqual(checkHttp.parse('/healthz'), { method: 'GET', uri: '/healthz', version: undefined });
    assert.deepEqual(checkHttp.parse(' HEAD  /h?x=1 '), {
      method: 'HEAD',
      uri: '/h?x=1',
      version: undefined,
    });
    assert.deepEqual(checkHttp.parse('GET /h HTTP/1.1'), { method: 'GET', uri: '/h', version: 'HTTP/1.1' });
  });

  it('send-proxy-protocol maps to the server keyword', () => {
    assert.equal(proxyProtocol.parse('proxy'), 'send-proxy');
    assert.equal(proxyProtocol.parse('proxy-v1'), 'send-proxy');
    assert.equal(proxyProtocol.parse('PROXY-V2'), 'send-proxy-v2');
    assert.equal(proxyProtocol.parse('proxy-v2-ssl-cn'), 'send-proxy-v2-ssl-cn');
  });

  it('syslog-server: one target per line in the reference format', () => {
    assert.deepEqual(
      syslogServers.parse(
        'address:127.0.0.1, port:514, facility:local0, level:info\naddress:stdout, format: raw, facility:daemon',
      ),
      [
        {
          target: '127.0.0.1:514',
          facility: 'local0',
          length: undefined,
          format: undefined,
          level: 'info',
          minlevel: undefined,
        },
        {
          target: 'stdout',
          facility: 'daemon',
          length: undefined,
          format: 'raw',
          level: undefined,
          minlevel: undefined,
        },
      ],
    );
    assert.equal(syslogServers.parse('address:fd00::1, facility:local1')[0]?.target, '[fd00::1]');
  });

  it('log-format: escaped quotes and sample expressions are fine', () => {
    const format = '%ci:%cp [%tr] %ft %b/%s %ST %B \\"%HM %[var(txn.path)] %HV\\"';
    assert.equal(logFormat.parse(format), format);
    // Plain quotes are quotes in the log line too, printed escaped.
    assert.equal(logFormat.parse('%ci "%HM %HV" \\\\'), '%ci \\"%HM %HV\\" \\\\');
  });

  it('config snippets: lines trimmed, blank lines dropped', () => {
    assert.deepEqual(configSnippet.parse('  http-response set-header A b\n\n  stick on src\r\n'), [
      'http-response set-header A b',
      'stick on src',
    ]);
  });
});

const HUGE = 'x'.repeat(5000);
const INJECTIONS = ['1\nglobal', '1 # comment', '1"', "1'", '1\r\nbackend evil', HUGE];

/** Bad values per key, beyond the injections every non-snippet key must refuse. */
const BAD: Record<string, string[]> = {
  maxconn: ['0', '-1', 'many', '100000000000'],
  nbthread: ['0', '65', 'two'],
  'hard-stop-after': ['soon', '5 s', '-1s'],
  'syslog-server': [
    'address:127.0.0.1',
    'facility:local0',
    'address:127.0.0.1, facility:local9',
    'address:127.0.0.1, port:70000, facility:local0',
    'address:127.0.0.1 facility:local0',
    'address:127.0.0.1, facility:local0, level:loud',
    'address:stdout, port:514, facility:local0',
    'address:a b, facility:local0',
  ],
  'timeout-client': ['forever', '5 s'],
  'timeout-connect': ['1y'],
  'timeout-http-request': ['x'],
  'timeout-http-keep-alive': ['-5s'],
  'timeout-queue': ['5sec'],
  'timeout-tunnel': ['1w'],
  'timeout-client-fin': ['abc'],
  'timeout-server-fin': ['1.5s'],
  'log-format': ['%[req.hdr(x)', '%{+Q', '$HOME', 'a \\q b', 'trailing \\', '%'],
  dontlognull: ['maybe', '2'],
  logasap: ['yesno'],
  'http-connection-mode': ['keep-alive', 'close', 'tunnel'],
  'load-balance': ['fastest', 'roundrobin leastconn', 'hdr(a b)'],
  check: ['perhaps'],
  'check-http': ['health', 'FETCH /h', 'GET /h HTTP/2', 'GET /h HTTP/1.1 extra', '/a b', '/a#b', '/$x'],
  'check-interval': ['often'],
  'timeout-check': ['1 s'],
  'timeout-server': ['50'.repeat(10)],
  'pod-maxconn': ['0', 'ten', '2000000'],
  'send-proxy-protocol': ['proxy-v3', 'send-proxy', 'true'],
  'forwarded-for': ['sometimes'],
  'cookie-persistence': ['my cookie', 'a;b', 'a=b', 'x'.repeat(65)],
  'cookie-persistence-no-dynamic': ['my cookie', 'a;b', 'a=b\nserver x', 'x'.repeat(65)],
  'cookie-persistence-path': ['app', '/a;b', '/a b', `/${'p'.repeat(300)}`],
  'cookie-persistence-domain': ['a_b.example', 'a b', '-a.example'],
  'cookie-persistence-max-age': ['soon', '-1', '9999999999'],
  'cookie-persistence-expires': ['soon', '1.5'],
  'cookie-persistence-samesite': ['Strictest', 'none;'],
  'cookie-persistence-secure': ['https'],
  'cookie-persistence-httponly': ['scripts'],
  'standalone-backend': ['yes please', '2'],
  'service-upstream': ['cluster', 'yes please'],
  'servers-increment': ['0', '10001', 'lots'],
  abortonclose: ['later'],
};

/** Snippets may span lines, but still not open a section, forge a marker or carry control characters. */
const BAD_SNIPPETS = [
  'stick on src\nbackend evil',
  'frontend x',
  '# config snippet 9 end',
  'a\u0000b',
  'a\u0007b',
  HUGE,
];
const SNIPPET_KEYS = [
  'global-config-snippet',
  'frontend-config-snippet',
  'stats-config-snippet',
  'backend-config-snippet',
];

describe('bad values for every backend, global and defaults key', () => {
  // Other groups (TLS, request policy) are spread into BACKEND_KEYS and tested beside their own schemas.
  const covered = (name: string) => BAD[name] !== undefined || SNIPPET_KEYS.includes(name);
  const keys = Object.values({ ...GLOBAL_KEYS, ...DEFAULTS_KEYS, ...BACKEND_KEYS }).filter((k) =>
    covered(k.name),
  ) as SettingKey<unknown>[];

  it('has a table entry for every backend, global and defaults key', () => {
    const tls = new Set(Object.values(TLS_BACKEND_KEYS).map((k) => k.name));
    const own = Object.values(BACKEND_KEYS).filter((k) => !tls.has(k.name));
    for (const key of [...Object.values({ ...GLOBAL_KEYS, ...DEFAULTS_KEYS }), ...own])
      assert.ok(covered(key.name), `bad values for ${key.name}`);
    for (const name of Object.keys(BAD))
      assert.ok(
        keys.some((k) => k.name === name),
        `${name} is a key`,
      );
  });

  for (const key of keys) {
    // A plain double quote is text in a log format (printed escaped, see the log-format test).
    const injections = key.name === 'log-format' ? INJECTIONS.filter((v) => v !== '1"') : INJECTIONS;
    const values = SNIPPET_KEYS.includes(key.name) ? BAD_SNIPPETS : [...(BAD[key.name] ?? []), ...injections];
    for (const scope of key.scopes) {
      it(`${key.name} refuses bad values on a ${scope}`, () => {
        for (const raw of values) {
          const problems: Problem[] = [];
          const ref =
            scope === 'configmap'
              ? { kind: 'ConfigMap', namespace: 'default', name: 'haproxy-configmap' }
              : { kind: 'Service', namespace: 'default', name: 'web' };
          const field = scope === 'configmap' ? key.name : `haproxy.org/${key.name}`;
          const read = readKey(key, { scope, ref, values: { [field]: raw } }, problems);
          assert.equal(read, undefined, `${key.name}=${JSON.stringify(raw.slice(0, 40))} must be refused`);
          assert.equal(problems.length, 1);
          assert.deepEqual(problems[0]?.ref, ref);
          assert.equal(problems[0]?.field, field);
          assert.equal(problems[0]?.severity, 'error');
        }
      });
    }
  }
});
