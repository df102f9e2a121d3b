/**
 * Policy lines: the exact HAProxy lines for each part of a request policy, in
 * evaluation order, and a config holding all of them accepted by `haproxy -c`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { BackendPolicy } from '../../model/policy.ts';
import { authFiles, authGlobalLines } from './auth-lines.ts';
import { captureSlots, policyLines, UnquotableValueError, userlists } from './policy-lines.ts';

const HASH =
  '$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/';

const FULL: BackendPolicy = {
  srcIpHeader: 'X-Real-IP',
  sslRedirect: { code: 301, port: 8443 },
  denyList: ['10.0.0.0/8', 'fd00::/8'],
  allowList: ['127.0.0.0/8', '::1'],
  rateLimit: { requests: 10, period: '1s', size: '100k', status: 429, exempt: ['127.0.0.2'] },
  cors: {
    origins: ['https://a.example', 'https://b.example:8443'],
    methods: 'GET, POST',
    headers: '*',
    credentials: true,
    maxAge: 60,
  },
  auth: { realm: 'Staff only', userlist: 'auth_default_users', users: [{ name: 'alice', hash: HASH }] },
  requestRedirect: { target: { scheme: undefined, host: 'new.example:8080' }, code: 307 },
  pathRewrite: [
    { match: '^/api/(.*)', replace: '/v2/\\1' },
    { match: '^/v2/old/(.*)', replace: '/v2/new/\\1' },
  ],
  setHost: 'internal.example',
  requestHeaders: [
    { name: 'X-Discount', value: [{ text: '100% off $HOME' }] },
    {
      name: 'X-Client',
      value: [{ text: 'ip=' }, { sample: 'src' }, { text: ' ' }, { sample: 'req.hdr(host),lower' }],
    },
  ],
  responseHeaders: [
    { name: 'X-Served-By', value: [{ text: 'edge 1' }] },
    { name: 'Content-Security-Policy', value: [{ text: `default-src 'self' "x" #1` }] },
  ],
  captures: { samples: ['hdr(X-Tag)', 'cookie(session)', 'url_param(id)'], len: 5 },
  hsts: { maxAge: 600, includeSubdomains: true, preload: true },
};

const REGEX_ORIGIN = { regex: '^https://(.+\\.)?(a-1\\.example|b\\.example)(:\\d{1,5})?$' };

describe('policyLines', () => {
  it('prints nothing for an empty policy', () => {
    assert.deepEqual(policyLines({}), []);
  });

  it('prints every rule in evaluation order, values strongly quoted and % doubled in log-format', () => {
    assert.deepEqual(policyLines(FULL), [
      'http-request set-src req.hdr(X-Real-IP)',
      'http-request capture hdr(X-Tag) id 0',
      'http-request capture cookie(session) id 1',
      'http-request capture url_param(id) id 2',
      "http-request redirect location 'https://%[req.hdr(host),field(1,:)]:8443%[pathq]' code 301 unless { ssl_fc }",
      'http-request deny deny_status 403 if { src 10.0.0.0/8 fd00::/8 }',
      'http-request deny deny_status 403 unless { src 127.0.0.0/8 ::1 }',
      'stick-table type ipv6 size 100k expire 1s store http_req_rate(1s)',
      'http-request track-sc0 src unless { src 127.0.0.2 }',
      'http-request deny deny_status 429 if { sc_http_req_rate(0) gt 10 } !{ src 127.0.0.2 }',
      'http-request set-var(txn.cors_origin) req.hdr(origin) if { req.hdr(origin) -m str -i https://a.example https://b.example:8443 }',
      "http-request return status 204 hdr Access-Control-Allow-Origin '%[var(txn.cors_origin)]' hdr Vary Origin hdr Access-Control-Allow-Methods 'GET, POST' hdr Access-Control-Allow-Headers '*' hdr Access-Control-Max-Age 60 hdr Access-Control-Allow-Credentials true if METH_OPTIONS { req.hdr(access-control-request-method) -m found } { var(txn.cors_origin) -m found }",
      'http-request return status 204 hdr Vary Origin if METH_OPTIONS { req.hdr(access-control-request-method) -m found }',
      "http-request auth realm 'Staff only' unless { lua.basic_auth(auth_default_users) -m bool }",
      "http-request redirect location 'https://new.example:8080%[pathq]' code 307 if { ssl_fc }",
      "http-request redirect location 'http://new.example:8080%[pathq]' code 307 unless { ssl_fc }",
      "http-request set-header Host 'internal.example'",
      "http-request set-header X-Discount '100%% off $HOME'",
      "http-request set-header X-Client 'ip=%[src] %[req.hdr(host),lower]'",
      "http-request replace-path '^/api/(.*)' '/v2/\\1'",
      "http-request replace-path '^/v2/old/(.*)' '/v2/new/\\1'",
      "http-response set-header X-Served-By 'edge 1'",
      `http-response set-header Content-Security-Policy 'default-src '\\''self'\\'' "x" #1'`,
      "http-after-response set-header Access-Control-Allow-Origin '%[var(txn.cors_origin)]' if { var(txn.cors_origin) -m found }",
      'http-after-response set-header Access-Control-Allow-Credentials true if { var(txn.cors_origin) -m found }',
      "http-after-response set-header Access-Control-Allow-Methods 'GET, POST' if { var(txn.cors_origin) -m found }",
      "http-after-response set-header Access-Control-Allow-Headers '*' if { var(txn.cors_origin) -m found }",
      'http-after-response set-header Access-Control-Max-Age 60 if { var(txn.cors_origin) -m found }',
      'http-after-response add-header Vary Origin unless { res.hdr(vary) -m sub -i origin }',
      "http-response set-header Strict-Transport-Security 'max-age=600; includeSubDomains; preload' if { ssl_fc }",
    ]);
  });

  it('answers preflights for any origin with *, and fails closed without a userlist', () => {
    const lines = policyLines({
      cors: { origins: '*', methods: '*', headers: '*', credentials: false, maxAge: 5 },
      auth: { realm: 'Protected Content', users: [] },
      requestRedirect: { target: { scheme: 'https', host: 'x.example' }, code: 302 },
    });
    assert.deepEqual(lines, [
      "http-request return status 204 hdr Access-Control-Allow-Origin '*' hdr Access-Control-Allow-Methods '*' hdr Access-Control-Allow-Headers '*' hdr Access-Control-Max-Age 5 if METH_OPTIONS { req.hdr(access-control-request-method) -m found }",
      "http-request auth realm 'Protected Content' if TRUE",
      "http-request redirect location 'https://x.example%[pathq]' code 302",
      "http-after-response set-header Access-Control-Allow-Origin '*'",
      "http-after-response set-header Access-Control-Allow-Methods '*'",
      "http-after-response set-header Access-Control-Allow-Headers '*'",
      'http-after-response set-header Access-Control-Max-Age 5',
    ]);
  });

  it('cors-respond-to-options answers every OPTIONS request, after the preflight rule', () => {
    const lines = policyLines({
      cors: {
        origins: '*',
        methods: 'GET',
        headers: '*',
        credentials: false,
        maxAge: 5,
        respondToOptions: true,
      },
    });
    assert.equal(
      lines[1],
      "http-request return status 204 hdr Access-Control-Allow-Origin '*' hdr Access-Control-Allow-Methods 'GET' hdr Access-Control-Allow-Headers '*' hdr Access-Control-Max-Age 5 if METH_OPTIONS",
    );
  });

  it('matches a regular-expression origin with -m reg, quoted', () => {
    const lines = policyLines({
      cors: { origins: REGEX_ORIGIN, methods: '*', headers: '*', credentials: false, maxAge: 5 },
    });
    assert.equal(
      lines[0],
      "http-request set-var(txn.cors_origin) req.hdr(origin) if { req.hdr(origin) -m reg -i '^https://(.+\\.)?(a-1\\.example|b\\.example)(:\\d{1,5})?$' }",
    );
  });

  it('refuses a value it cannot quote, should one slip past the schemas', () => {
    assert.throws(
      () => policyLines({ responseHeaders: [{ name: 'X-A', value: [{ text: 'a\nb' }] }] }),
      UnquotableValueError,
    );
    assert.throws(() => policyLines({ setHost: "it's" }), UnquotableValueError);
  });

  it('gives each backend with captures its own capture slots, sized by its request-capture-len', () => {
    const slots = captureSlots([
      {},
      FULL,
      { captures: { samples: ['path'], len: 64 } },
      { hsts: { maxAge: 1, includeSubdomains: false, preload: false } },
    ]);
    assert.deepEqual(slots, { lengths: [5, 5, 5, 64], firstIds: [0, 0, 3, 4] });
    assert.deepEqual(policyLines({ captures: { samples: ['path'], len: 64 } }, 3), [
      'http-request capture path id 3',
    ]);
  });

  it('collects one userlist per Secret, hashes quoted', () => {
    const auth = FULL.auth as NonNullable<BackendPolicy['auth']>;
    assert.deepEqual(userlists([FULL, { auth }, {}, { auth: { realm: 'x', users: [] } }]), [
      { name: 'auth_default_users', users: [{ name: 'alice', hash: `'${HASH}'` }] },
    ]);
  });

  it('produces lines haproxy -c accepts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-lines-'));
    try {
      const list = userlists([FULL]);
      for (const file of authFiles([FULL])) {
        await mkdir(join(dir, dirname(file.path)), { recursive: true });
        await writeFile(join(dir, file.path), file.content);
      }
      const config = [
        'global',
        ...authGlobalLines([FULL], dir).map((l) => `  ${l}`),
        'defaults',
        '  mode http',
        '  timeout connect 1s',
        '  timeout client 1s',
        '  timeout server 1s',
        ...list.flatMap((u) => [
          `userlist ${u.name}`,
          ...u.users.map((x) => `  user ${x.name} password ${x.hash}`),
        ]),
        'frontend f',
        '  bind 127.0.0.1:1',
        ...captureSlots([FULL]).lengths.map((len) => `  declare capture request len ${len}`),
        '  default_backend b',
        'backend b',
        ...policyLines(FULL).map((l) => `  ${l}`),
        '  server s 127.0.0.1:1',
        'backend regex',
        ...policyLines({
          cors: { ...(FULL.cors as NonNullable<BackendPolicy['cors']>), origins: REGEX_ORIGIN },
        }).map((l) => `  ${l}`),
        '  server s 127.0.0.1:1',
        '',
      ].join('\n');
      await writeFile(join(dir, 'haproxy.cfg'), config);
      const { stderr } = await promisify(execFile)('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')]);
      assert.doesNotMatch(stderr, /WARNING|ALERT/, stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
