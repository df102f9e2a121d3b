/**
 * Gateway API filters through the real HAProxy, in local mode: the request →
 * response tables of the upstream conformance tests (suite v1.6) for
 * RequestHeaderModifier (Core), ResponseHeaderModifier, URLRewrite (path and
 * host), RequestRedirect (host and status, path, scheme, port, port and
 * scheme across listeners on 80, another port and 443, and the 303/307/308
 * codes). The pods echo what they received; a pod sets the response headers
 * a request asks for with X-Echo-Set-Header, as the conformance echo server does.
 */
import { after, before, describe, it } from 'node:test';
import { selfSigned } from './harness/certs.ts';
import { TestController } from './harness/controller.ts';
import { expectTable, gateway, gatewayClass, httpRoute, type Row, ref } from './harness/gateway.ts';
import { freePort } from './harness/net.ts';
import { tlsSecret } from './harness/objects.ts';
import { Backends } from './harness/routing.ts';

type Obj = Record<string, unknown>;
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });
const headerRule = (
  path: string,
  type: 'RequestHeaderModifier' | 'ResponseHeaderModifier',
  edits: Obj,
): Obj => ({
  matches: [prefix(path)],
  filters: [
    type === 'RequestHeaderModifier'
      ? { type, requestHeaderModifier: edits }
      : { type, responseHeaderModifier: edits },
  ],
  backendRefs: [ref('v1')],
});
const redirectRule = (path: string, requestRedirect: Obj): Obj => ({
  matches: [prefix(path)],
  filters: [{ type: 'RequestRedirect', requestRedirect }],
});
const set = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));

describe('Gateway API filters (local mode)', () => {
  let controller: TestController;
  let backends: Backends;
  /** A listener port of its own (the conformance tests' 8080). */
  let other: number;

  before(async () => {
    backends = await Backends.start(['v1']);
    other = await freePort();
    const { cert, key } = selfSigned('example.org', ['example.org', '*.example.org']);
    controller = await TestController.create({
      'services.yaml': backends.manifests(),
      'gateway.yaml': [
        gatewayClass(),
        tlsSecret('cert', cert, key),
        gateway('gw', [
          { name: 'http', port: 80, from: 'All' },
          { name: 'https', port: 443, protocol: 'HTTPS', certificateRefs: [{ name: 'cert' }] },
        ]),
        gateway('other-port', [{ name: 'http', port: other }]),
      ],
    });
    await controller.start();
  });

  after(async () => {
    await controller?.cleanup();
    await backends?.stop();
  });

  const scenario = async (routes: Obj[], rows: Row[]) => {
    await controller.write('routes.yaml', routes);
    await expectTable(controller, rows);
  };

  it('HTTPRouteRequestHeaderModifier: set, add, remove, names case-insensitive', async () => {
    await scenario(
      [
        httpRoute('request-header-modifier', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          rules: [
            headerRule('/set', 'RequestHeaderModifier', {
              set: set(['X-Header-Set', 'set-overwrites-values']),
            }),
            headerRule('/add', 'RequestHeaderModifier', { add: set(['X-Header-Add', 'add-appends-values']) }),
            headerRule('/remove', 'RequestHeaderModifier', { remove: ['X-Header-Remove'] }),
            headerRule('/multiple', 'RequestHeaderModifier', {
              set: set(['X-Header-Set-1', 'header-set-1'], ['X-Header-Set-2', 'header-set-2']),
              add: set(
                ['X-Header-Add-1', 'header-add-1'],
                ['X-Header-Add-2', 'header-add-2'],
                ['X-Header-Add-3', 'header-add-3'],
              ),
              remove: ['X-Header-Remove-1', 'X-Header-Remove-2'],
            }),
            headerRule('/case-insensitivity', 'RequestHeaderModifier', {
              set: set(['X-Header-Set', 'header-set']),
              add: set(['X-Header-Add', 'header-add']),
              remove: ['X-Header-Remove'],
            }),
          ],
        }),
      ],
      [
        {
          path: '/set',
          headers: { 'Some-Other-Header': 'val' },
          expect: 'v1',
          seen: { headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
        },
        {
          path: '/set',
          headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' },
          expect: 'v1',
          seen: { headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
        },
        {
          path: '/add',
          headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' },
          expect: 'v1',
          seen: { headers: { 'X-Header-Add': 'some-other-value,add-appends-values' } },
        },
        {
          path: '/remove',
          headers: { 'X-Header-Remove': 'val' },
          expect: 'v1',
          seen: { absent: ['X-Header-Remove'] },
        },
        {
          path: '/multiple',
          headers: {
            'X-Header-Set-2': 'set-val-2',
            'X-Header-Add-2': 'add-val-2',
            'X-Header-Remove-2': 'remove-val-2',
          },
          expect: 'v1',
          seen: {
            headers: {
              'X-Header-Set-1': 'header-set-1',
              'X-Header-Set-2': 'header-set-2',
              'X-Header-Add-1': 'header-add-1',
              'X-Header-Add-2': 'add-val-2,header-add-2',
              'X-Header-Add-3': 'header-add-3',
            },
            absent: ['X-Header-Remove-1', 'X-Header-Remove-2'],
          },
        },
        {
          path: '/case-insensitivity',
          headers: {
            'x-header-set': 'original-val-set',
            'x-header-add': 'original-val-add',
            'x-header-remove': 'original-val-remove',
          },
          expect: 'v1',
          seen: {
            headers: { 'X-Header-Set': 'header-set', 'X-Header-Add': 'original-val-add,header-add' },
            absent: ['X-Header-Remove'],
          },
        },
      ],
    );
  });

  it('HTTPRouteResponseHeaderModifier: what the pod answers is edited on the way back', async () => {
    const echo = (pairs: Record<string, string>) => ({
      'X-Echo-Set-Header': Object.entries(pairs)
        .map(([name, value]) => `${name}:${value}`)
        .join(','),
    });
    await scenario(
      [
        httpRoute('response-header-modifier', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          rules: [
            headerRule('/set', 'ResponseHeaderModifier', {
              set: set(['X-Header-Set', 'set-overwrites-values']),
            }),
            headerRule('/add', 'ResponseHeaderModifier', {
              add: set(['X-Header-Add', 'add-appends-values']),
            }),
            headerRule('/remove', 'ResponseHeaderModifier', { remove: ['X-Header-Remove'] }),
            headerRule('/case-insensitivity', 'ResponseHeaderModifier', {
              set: set(['X-Header-Set', 'header-set']),
              add: set(
                ['X-Header-Add', 'header-add'],
                ['x-lowercase-add', 'lowercase-add'],
                ['X-UPPERCASE-ADD', 'uppercase-add'],
              ),
              remove: ['X-Header-Remove'],
            }),
          ],
        }),
      ],
      [
        {
          path: '/set',
          headers: echo({ 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' }),
          expect: 'v1',
          response: { headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
        },
        {
          path: '/add',
          headers: echo({ 'X-Header-Add': 'some-other-value' }),
          expect: 'v1',
          response: { headers: { 'X-Header-Add': 'some-other-value,add-appends-values' } },
        },
        {
          path: '/remove',
          headers: echo({ 'X-Header-Remove': 'val' }),
          expect: 'v1',
          response: { absent: ['X-Header-Remove'] },
        },
        {
          path: '/case-insensitivity',
          headers: echo({
            'x-header-set': 'original-val-set',
            'x-header-add': 'original-val-add',
            'x-header-remove': 'x',
          }),
          expect: 'v1',
          response: {
            headers: {
              'X-Header-Set': 'header-set',
              'X-Header-Add': 'original-val-add,header-add',
              'X-Lowercase-Add': 'lowercase-add',
              'X-Uppercase-Add': 'uppercase-add',
            },
            absent: ['X-Header-Remove'],
          },
        },
      ],
    );
  });

  it('HTTPRouteRewritePath and HTTPRouteRewriteHost', async () => {
    const rewrite = (match: string, urlRewrite: Obj, filters: Obj[] = []): Obj => ({
      matches: [prefix(match)],
      filters: [{ type: 'URLRewrite', urlRewrite }, ...filters],
      backendRefs: [ref('v1')],
    });
    const full = (path: string) => ({ path: { type: 'ReplaceFullPath', replaceFullPath: path } });
    const replacePrefix = (path: string) => ({
      path: { type: 'ReplacePrefixMatch', replacePrefixMatch: path },
    });
    const modify = {
      type: 'RequestHeaderModifier',
      requestHeaderModifier: {
        set: set(['X-Header-Set', 'set-overwrites-values']),
        add: set(['X-Header-Add', 'header-val-1']),
        remove: ['X-Header-Remove'],
      },
    };
    await scenario(
      [
        httpRoute('rewrite-path', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['path.example'],
          rules: [
            rewrite('/prefix/one', replacePrefix('/one')),
            rewrite('/strip-prefix', replacePrefix('/')),
            rewrite('/full/one', full('/one')),
            rewrite('/full/rewrite-path-and-modify-headers', full('/test'), [modify]),
            rewrite('/prefix/rewrite-path-and-modify-headers', replacePrefix('/prefix'), [modify]),
          ],
        }),
        httpRoute('rewrite-host', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['rewrite.example'],
          rules: [
            rewrite('/one', { hostname: 'one.example.org' }),
            {
              filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'example.org' } }],
              backendRefs: [ref('v1')],
            },
            rewrite('/rewrite-host-and-modify-headers', { hostname: 'test.example.org' }, [modify]),
          ],
        }),
      ],
      [
        { host: 'path.example', path: '/prefix/one/two', expect: 'v1', seen: { path: '/one/two' } },
        { host: 'path.example', path: '/strip-prefix/three', expect: 'v1', seen: { path: '/three' } },
        { host: 'path.example', path: '/strip-prefix', expect: 'v1', seen: { path: '/' } },
        { host: 'path.example', path: '/full/one/two', expect: 'v1', seen: { path: '/one' } },
        { host: 'path.example', path: '/full/one/two?q=1', expect: 'v1', seen: { path: '/one?q=1' } },
        {
          host: 'path.example',
          path: '/full/rewrite-path-and-modify-headers/test',
          headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add': 'add-val' },
          expect: 'v1',
          seen: {
            path: '/test',
            headers: { 'X-Header-Set': 'set-overwrites-values', 'X-Header-Add': 'add-val,header-val-1' },
            absent: ['X-Header-Remove'],
          },
        },
        {
          host: 'path.example',
          path: '/prefix/rewrite-path-and-modify-headers/one',
          expect: 'v1',
          seen: { path: '/prefix/one', headers: { 'X-Header-Set': 'set-overwrites-values' } },
        },
        {
          host: 'rewrite.example',
          path: '/one',
          expect: 'v1',
          seen: { path: '/one', host: 'one.example.org' },
        },
        { host: 'rewrite.example', path: '/two', expect: 'v1', seen: { path: '/two', host: 'example.org' } },
        {
          host: 'rewrite.example',
          path: '/rewrite-host-and-modify-headers',
          expect: 'v1',
          seen: { host: 'test.example.org', headers: { 'X-Header-Set': 'set-overwrites-values' } },
        },
      ],
    );
  });

  it('values with quotes, #, % and $ reach HAProxy as written, in matches, rewrites and header edits', async () => {
    const odd = "it's #1 at 100% $HOME";
    await scenario(
      [
        httpRoute('odd-values', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['odd.example'],
          rules: [
            {
              matches: [
                {
                  path: { type: 'PathPrefix', value: "/a'b$(c)*+" },
                  headers: [{ name: 'X-Odd', value: odd }],
                },
              ],
              filters: [
                {
                  type: 'RequestHeaderModifier',
                  requestHeaderModifier: { set: [{ name: 'X-Seen', value: odd }] },
                },
                {
                  type: 'URLRewrite',
                  urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: "/x'%y" } },
                },
              ],
              backendRefs: [ref('v1')],
            },
          ],
        }),
      ],
      [
        {
          host: 'odd.example',
          path: "/a'b$(c)*+/rest",
          headers: { 'X-Odd': odd },
          expect: 'v1',
          seen: { path: "/x'%y/rest", headers: { 'X-Seen': odd } },
        },
        { host: 'odd.example', path: "/a'b$(c)*+/rest", headers: { 'X-Odd': 'other' }, expect: 404 },
        { host: 'odd.example', path: '/abc', headers: { 'X-Odd': odd }, expect: 404 },
      ],
    );
  });

  it('HTTPRouteTimeoutBackendRequest: a pod slower than the timeout gets 504', async () => {
    await scenario(
      [
        httpRoute('timeouts', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['timeouts.example'],
          rules: [{ backendRefs: [ref('v1')], timeouts: { backendRequest: '500ms' } }],
        }),
      ],
      [
        { host: 'timeouts.example', path: '/?sleep=0', expect: 'v1' },
        { host: 'timeouts.example', path: '/?sleep=1500', expect: 504 },
      ],
    );
  });

  it('HTTPRouteRedirectHostAndStatus, HTTPRouteRedirectPath, HTTPRouteRedirectScheme, HTTPRouteRedirectPort and the 303/307/308 codes', async () => {
    const full = (path: string) => ({ type: 'ReplaceFullPath', replaceFullPath: path });
    const replacePrefix = (path: string) => ({ type: 'ReplacePrefixMatch', replacePrefixMatch: path });
    await scenario(
      [
        httpRoute('redirects', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          rules: [
            redirectRule('/hostname-redirect', { hostname: 'example.org' }),
            redirectRule('/host-and-status', { statusCode: 301, hostname: 'example.org' }),
            redirectRule('/original-prefix', { path: replacePrefix('/replacement-prefix') }),
            redirectRule('/full', { path: full('/full-path-replacement') }),
            redirectRule('/path-and-host', {
              hostname: 'example.org',
              path: replacePrefix('/replacement-prefix'),
            }),
            redirectRule('/path-and-status', { statusCode: 301, path: replacePrefix('/replacement-prefix') }),
            redirectRule('/full-path-and-host', { hostname: 'example.org', path: full('/replacement-full') }),
            redirectRule('/scheme', { scheme: 'https' }),
            redirectRule('/scheme-and-host', { hostname: 'example.org', scheme: 'https' }),
            redirectRule('/scheme-and-status', { scheme: 'https', statusCode: 301 }),
            redirectRule('/port', { port: 8083 }),
            redirectRule('/port-and-host', { hostname: 'example.org', port: 8083 }),
            redirectRule('/port-and-status', { port: 8083, statusCode: 301 }),
            redirectRule('/status-303', { statusCode: 303 }),
            redirectRule('/status-307', { statusCode: 307 }),
            redirectRule('/status-308', { statusCode: 308 }),
          ],
        }),
      ],
      [
        { path: '/hostname-redirect', expect: 302, location: 'http://example.org/hostname-redirect' },
        { path: '/host-and-status', expect: 301, location: 'http://example.org/host-and-status' },
        {
          path: '/original-prefix/lemon',
          expect: 302,
          location: 'http://example.com/replacement-prefix/lemon',
        },
        { path: '/full/path/original', expect: 302, location: 'http://example.com/full-path-replacement' },
        { path: '/path-and-host', expect: 302, location: 'http://example.org/replacement-prefix' },
        { path: '/path-and-status', expect: 301, location: 'http://example.com/replacement-prefix' },
        { path: '/full-path-and-host', expect: 302, location: 'http://example.org/replacement-full' },
        { path: '/scheme', expect: 302, location: 'https://example.com/scheme' },
        { path: '/scheme-and-host', expect: 302, location: 'https://example.org/scheme-and-host' },
        { path: '/scheme-and-status', expect: 301, location: 'https://example.com/scheme-and-status' },
        { path: '/port', expect: 302, location: 'http://example.com:8083/port' },
        { path: '/port-and-host', expect: 302, location: 'http://example.org:8083/port-and-host' },
        { path: '/port-and-status', expect: 301, location: 'http://example.com:8083/port-and-status' },
        { path: '/status-303?q=1', expect: 303, location: 'http://example.com/status-303?q=1' },
        { path: '/status-307', expect: 307, location: 'http://example.com/status-307' },
        { path: '/status-308', expect: 308, location: 'http://example.com/status-308' },
      ],
    );
  });

  it('HTTPRouteRedirectPortAndScheme: the Location port comes from the declared listener port', async () => {
    const route = (name: string, parent: Obj, cases: [string, Obj][]) =>
      httpRoute(name, {
        parentRefs: [parent],
        rules: cases.map(([path, redirect]) => redirectRule(path, { hostname: 'example.org', ...redirect })),
      });
    await scenario(
      [
        route('on-80', { name: 'gw', sectionName: 'http' }, [
          ['/scheme-nil-and-port-nil', {}],
          ['/scheme-nil-and-port-80', { port: 80 }],
          ['/scheme-nil-and-port-8080', { port: 8080 }],
          ['/scheme-https-and-port-nil', { scheme: 'https' }],
          ['/scheme-https-and-port-443', { scheme: 'https', port: 443 }],
          ['/scheme-https-and-port-8443', { scheme: 'https', port: 8443 }],
        ]),
        route('on-other', { name: 'other-port' }, [
          ['/scheme-nil-and-port-nil', {}],
          ['/scheme-nil-and-port-80', { port: 80 }],
          ['/scheme-https-and-port-nil', { scheme: 'https' }],
        ]),
        route('on-443', { name: 'gw', sectionName: 'https' }, [
          ['/scheme-nil-and-port-nil', {}],
          ['/scheme-nil-and-port-443', { port: 443 }],
          ['/scheme-nil-and-port-8443', { port: 8443 }],
          ['/scheme-http-and-port-nil', { scheme: 'http' }],
          ['/scheme-http-and-port-80', { scheme: 'http', port: 80 }],
          ['/scheme-http-and-port-8080', { scheme: 'http', port: 8080 }],
        ]),
      ],
      [
        {
          path: '/scheme-nil-and-port-nil',
          expect: 302,
          location: 'http://example.org/scheme-nil-and-port-nil',
        },
        {
          path: '/scheme-nil-and-port-80',
          expect: 302,
          location: 'http://example.org/scheme-nil-and-port-80',
        },
        {
          path: '/scheme-nil-and-port-8080',
          expect: 302,
          location: 'http://example.org:8080/scheme-nil-and-port-8080',
        },
        {
          path: '/scheme-https-and-port-nil',
          expect: 302,
          location: 'https://example.org/scheme-https-and-port-nil',
        },
        {
          path: '/scheme-https-and-port-443',
          expect: 302,
          location: 'https://example.org/scheme-https-and-port-443',
        },
        {
          path: '/scheme-https-and-port-8443',
          expect: 302,
          location: 'https://example.org:8443/scheme-https-and-port-8443',
        },
        {
          port: other,
          path: '/scheme-nil-and-port-nil',
          expect: 302,
          location: `http://example.org:${other}/scheme-nil-and-port-nil`,
        },
        {
          port: other,
          path: '/scheme-nil-and-port-80',
          expect: 302,
          location: 'http://example.org/scheme-nil-and-port-80',
        },
        {
          port: other,
          path: '/scheme-https-and-port-nil',
          expect: 302,
          location: 'https://example.org/scheme-https-and-port-nil',
        },
        {
          tls: true,
          host: 'example.org',
          path: '/scheme-nil-and-port-nil',
          expect: 302,
          location: 'https://example.org/scheme-nil-and-port-nil',
        },
        {
          tls: true,
          host: 'example.org',
          path: '/scheme-nil-and-port-443',
          expect: 302,
          location: 'https://example.org/scheme-nil-and-port-443',
        },
        {
          tls: true,
          host: 'example.org',
          path: '/scheme-nil-and-port-8443',
          expect: 302,
          location: 'https://example.org:8443/scheme-nil-and-port-8443',
        },
        {
          tls: true,
          host: 'example.org',
          path: '/scheme-http-and-port-nil',
          expect: 302,
          location: 'http://example.org/scheme-http-and-port-nil',
        },
        {
          tls: true,
          host: 'example.org',
          path: '/scheme-http-and-port-80',
          expect: 302,
          location: 'http://example.org/scheme-http-and-port-80',
        },
        {
          tls: true,
          host: 'example.org',
          path: '/scheme-http-and-port-8080',
          expect: 302,
          location: 'http://example.org:8080/scheme-http-and-port-8080',
        },
      ],
    );
  });
});
