import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_DEFAULTS, DEFAULT_GLOBAL, makeBackend } from '../../model/fixtures.ts';
import type { Backend, DesiredState } from '../../model/types.ts';
import { planSlots, type SlotTable } from '../runtime/slots.ts';
import {
  compileTemplates,
  renderConfig,
  renderFiles,
  renderWith,
  TemplateNameError,
  UnsafeValueError,
} from './render.ts';
import { buildView, type Listen, type Paths, ROUTE_MAP } from './view.ts';

const LISTEN: Listen = {
  ipv4Address: '127.0.0.1',
  ipv6Address: undefined,
  httpPort: 8080,
  httpsPort: 8443,
  statsPort: 1024,
  healthzPort: 1042,
};
const PATHS: Paths = {
  configDir: '/etc/hsi',
  statsSocket: '/run/hsi/admin.sock',
};

function backend(
  name: string,
  endpoints: Backend['endpoints'],
  settings: Partial<Backend['settings']> = {},
): Backend {
  return makeBackend(name, endpoints, { serversIncrement: 3, timeoutServer: '30s', ...settings });
}

function state(): DesiredState {
  return {
    global: { ...DEFAULT_GLOBAL, maxconn: 2000 },
    defaults: DEFAULT_DEFAULTS,
    snippets: {},
    routing: {
      vhosts: [
        { name: '*', fallback: undefined },
        { name: '*.example.com', fallback: undefined },
        { name: 'a.example.com', fallback: 'default_api_8080' },
      ],
      routes: [
        { vhost: '*', path: '/health', match: 'Exact', backend: 'default_api_8080' },
        { vhost: 'a.example.com', path: '/app', match: 'Prefix', backend: 'default_web_80' },
      ],
      defaultBackend: 'default_backend_404',
      passthrough: [],
    },
    backends: [
      backend('default_api_8080', [], { loadBalance: 'leastconn', check: false, forwardedFor: false }),
      backend('default_web_80', [
        { address: '10.0.0.1', port: 8080, state: 'ready' },
        { address: '10.0.0.2', port: 8080, state: 'drain' },
        { address: '10.0.0.4', port: 8080, state: 'ready' },
        { address: 'fd00::3', port: 8080, state: 'ready' },
      ]),
    ],
    tls: {
      certificates: [],
      defaultCertificate: undefined,
      frontend: { alpn: 'h2,http/1.1', strictSni: false, clientVerify: undefined, proxyProtocol: undefined },
      files: [],
    },
    problems: [],
  };
}

const slotsFor = (s: DesiredState): SlotTable =>
  new Map(s.backends.map((b) => [b.name, planSlots(b, undefined)]));

/** The lines of one `backend` section, without indentation. */
function section(config: string, name: string): string[] {
  const start = config.split('\n').indexOf(`backend ${name}`);
  assert.ok(start >= 0, `backend ${name} rendered`);
  const lines: string[] = [];
  for (const line of config.split('\n').slice(start + 1)) {
    if (!line.startsWith(' ')) break;
    lines.push(line.trim());
  }
  return lines;
}

describe('renderConfig', () => {
  const s = state();
  const config = renderConfig(buildView(s, slotsFor(s), LISTEN, PATHS));

  it('looks the route overlay up only while its switch server is up, which it is not at a reload', () => {
    const lines = config.split('\n').map((l) => l.trim());
    const overlay = lines.filter((l) => l.startsWith('http-request') && l.includes('routes.overlay.map'));
    assert.ok(overlay.length >= 4, overlay.join('\n'));
    for (const line of overlay) assert.match(line, / if \{ srv_is_up\(route_overlay_switch\/on\) \}/);
    assert.ok(lines.includes('server on 127.0.0.1:1 disabled'));
    // What the overlay found stands: every lookup into routes.map after it is skipped then.
    const base = lines.filter((l) => l.startsWith('http-request') && l.includes('routes.map)'));
    assert.ok(base.length >= 4, base.join('\n'));
    for (const line of base) assert.match(line, / unless \{ var\(txn\.backend\) -m found \}$/);
  });

  it('renders one backend section per backend, plus the built-in 404 and 500 and the overlay switch', () => {
    const backends = config.split('\n').filter((l) => l.startsWith('backend '));
    assert.deepEqual(backends, [
      'backend default_backend_404',
      'backend gateway_backend_500',
      'backend route_overlay_switch',
      'backend default_api_8080',
      'backend default_web_80',
    ]);
  });

  it('renders a server line per slot: pods enabled, drains and free slots disabled on a discard address', () => {
    const servers = section(config, 'default_web_80').filter((l) => l.startsWith('server '));
    assert.deepEqual(servers, [
      'server SRV_1 10.0.0.1:8080 enabled',
      'server SRV_2 10.0.0.2:8080 disabled',
      'server SRV_3 10.0.0.4:8080 enabled',
      'server SRV_4 [fd00::3]:8080 enabled',
      'server SRV_5 127.0.0.1:1 disabled',
      'server SRV_6 127.0.0.1:1 disabled',
    ]);
    const empty = section(config, 'default_api_8080').filter((l) => l.startsWith('server '));
    assert.deepEqual(empty, [
      'server SRV_1 127.0.0.1:1 disabled',
      'server SRV_2 127.0.0.1:1 disabled',
      'server SRV_3 127.0.0.1:1 disabled',
    ]);
  });

  it('prints the backend settings', () => {
    const web = section(config, 'default_web_80');
    assert.ok(web.includes('balance roundrobin'));
    assert.ok(web.includes('timeout server 30s'));
    assert.ok(web.includes('option forwardfor'));
    assert.ok(web.includes('default-server check'));
    const api = section(config, 'default_api_8080');
    assert.ok(api.includes('balance leastconn'));
    assert.ok(!api.includes('option forwardfor'));
    assert.ok(!api.some((l) => l.startsWith('default-server')));
  });

  it('routes through the map file in the config directory and falls back to the default backend', () => {
    assert.match(config, /map_beg\(\/etc\/hsi\/maps\/routes\.map\)/);
    assert.match(config, /^ {2}default_backend default_backend_404$/m);
    assert.match(config, /^ {2}bind 127\.0\.0\.1:8080$/m);
    assert.match(config, /^ {2}maxconn 2000$/m);
    assert.doesNotMatch(config, /nbthread/);
    assert.match(config, /crt \/etc\/hsi\/certs\/default-selfsigned\.pem/);
  });

  it('refuses a value with a line break anywhere in the view', () => {
    const cases: [string, (v: ReturnType<typeof buildView>) => void][] = [
      [
        'balance',
        (v) => {
          (v.backends[0] as { lines: string[] }).lines[1] = 'balance roundrobin\n  http-request deny';
        },
      ],
      [
        'server address',
        (v) => {
          (v.backends[1]?.servers[0] as { address: string }).address = '10.0.0.1:80\r';
        },
      ],
      [
        'default backend',
        (v) => {
          v.builtinDefaultBackend = 'x\ny';
        },
      ],
      [
        'defaults',
        (v) => {
          v.defaults.lines.push('timeout client 5s\n  option httpclose');
        },
      ],
      [
        'socket path',
        (v) => {
          v.global.lines[0] = 'stats socket /run/a\u0000b';
        },
      ],
      [
        'bind',
        (v) => {
          v.binds.http[0] = '127.0.0.1:80\nfrontend evil';
        },
      ],
    ];
    for (const [label, mutate] of cases) {
      const view = buildView(s, slotsFor(s), LISTEN, PATHS);
      mutate(view);
      assert.throws(() => renderConfig(view), UnsafeValueError, label);
    }
  });
});

describe('renderFiles', () => {
  it('writes haproxy.cfg and the route map with one `key value` line per entry', () => {
    const s = state();
    const files = renderFiles(s, buildView(s, slotsFor(s), LISTEN, PATHS), '/etc/hsi', 'FALLBACK PEM\n');
    const byPath = new Map(files.map((f) => [f.path, f]));
    assert.match(byPath.get('haproxy.cfg')?.content ?? '', /^backend default_web_80$/m);
    assert.equal(
      byPath.get(ROUTE_MAP)?.content,
      [
        '*.example.com/ default_backend_404',
        '*/ default_backend_404',
        '*/health? default_api_8080',
        'a.example.com/ default_api_8080',
        'a.example.com/app/ default_web_80',
        'a.example.com/app? default_web_80',
        '',
      ].join('\n'),
    );
    assert.equal(byPath.get('certs/crt-list.txt')?.content, '');
  });

  it('writes certificates privately and lists them with their SNI names', () => {
    const s = state();
    s.tls.certificates = [
      { file: 'web_tls.pem', pem: 'CERT\nKEY\n', sni: ['*.example.com', 'a.example.com'] },
    ];
    const files = renderFiles(s, buildView(s, slotsFor(s), LISTEN, PATHS), '/etc/hsi', 'FALLBACK PEM\n');
    const cert = files.find((f) => f.path === 'certs/web_tls.pem');
    assert.equal(cert?.content, 'CERT\nKEY\n');
    assert.equal(cert?.mode, 0o600);
    assert.equal(
      files.find((f) => f.path === 'certs/crt-list.txt')?.content,
      '/etc/hsi/certs/web_tls.pem *.example.com a.example.com\n',
    );
  });

  it('refuses a map entry with a line break', () => {
    const s = state();
    s.routing.routes.push({
      vhost: 'a.example.com',
      path: '/x\nevil',
      match: 'Exact',
      backend: 'default_web_80',
    });
    assert.throws(
      () => renderFiles(s, buildView(s, slotsFor(s), LISTEN, PATHS), '/etc/hsi', 'FALLBACK PEM\n'),
      UnsafeValueError,
    );
  });
});

describe('templates', () => {
  it('a block naming a value the view does not have fails the render instead of printing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hsi-templates-'));
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials', 'backend.hbs'), '{{#if abortonclos}}  option abortonclose\n{{/if}}');
    writeFileSync(join(dir, 'haproxy.cfg.hbs'), '{{#each backends}}{{> backend}}{{/each}}');
    const compiled = compileTemplates(dir);
    const view = { backends: [{ abortonclose: true }] };
    assert.throws(() => renderWith(compiled, view), TemplateNameError);
    writeFileSync(join(dir, 'partials', 'backend.hbs'), '{{#if abortonclose}}  option abortonclose\n{{/if}}');
    assert.equal(renderWith(compileTemplates(dir), view), '  option abortonclose\n');
    // A value that is there but absent (undefined in the view) is false, not an error.
    assert.equal(renderWith(compileTemplates(dir), { backends: [{ abortonclose: undefined }] }), '');
    rmSync(dir, { recursive: true });
  });
});
