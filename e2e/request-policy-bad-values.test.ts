/**
 * Bad values for every request-policy key, as annotations and as ConfigMap
 * keys: wrong type, out of range, line break, `#`, quotes and a 4097-character
 * string are each ignored with an error naming the object and key, the config
 * still loads, and every route (including the one carrying the bad value)
 * still serves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestController } from './harness/controller.ts';
import { configMap, hostRoute, onePodService } from './harness/objects.ts';
import { type Pods, startPods } from './harness/pods.ts';
import { eventually } from './harness/wait.ts';

interface KeyCase {
  key: string;
  /** A valid value, the base of the injection cases. */
  valid: string;
  wrongType: string;
  outOfRange?: string;
  /** Multi-line keys take line breaks as separators: their injection case uses CR. */
  multiLine?: boolean;
  /** The key this one is an old name of. */
  aliasOf?: string;
}

const KEYS: KeyCase[] = [
  { key: 'ssl-redirect', valid: 'true', wrongType: 'maybe' },
  { key: 'ssl-redirect-code', valid: '301', wrongType: 'moved', outOfRange: '304' },
  { key: 'ssl-redirect-port', valid: '443', wrongType: 'https', outOfRange: '70000' },
  { key: 'request-redirect', valid: 'other.example', wrongType: 'not a host', outOfRange: 'a.example:99999' },
  { key: 'request-redirect-code', valid: '302', wrongType: 'x', outOfRange: '200' },
  { key: 'path-rewrite', valid: '/fixed', wrongType: 'relative', outOfRange: '(a) /b /c', multiLine: true },
  { key: 'set-host', valid: 'a.example', wrongType: 'under_score.example', outOfRange: 'a.example:0' },
  {
    key: 'request-set-header',
    valid: 'X-A 1',
    wrongType: 'NoValue',
    outOfRange: Array.from({ length: 33 }, (_, i) => `X-${i} v`).join('\n'),
    multiLine: true,
  },
  { key: 'response-set-header', valid: 'X-A 1', wrongType: ': broken', multiLine: true },
  { key: 'src-ip-header', valid: 'X-Real-IP', wrongType: 'X Real IP', outOfRange: `X-${'a'.repeat(70)}` },
  {
    key: 'request-capture',
    valid: 'hdr(X-A)',
    wrongType: 'lua.evil(x)',
    outOfRange: Array(17).fill('path').join('\n'),
    multiLine: true,
  },
  { key: 'request-capture-len', valid: '64', wrongType: 'long', outOfRange: '2000' },
  { key: 'allow-list', valid: '10.0.0.1', wrongType: 'example.com', outOfRange: '10.0.0.0/33' },
  {
    key: 'whitelist',
    aliasOf: 'allow-list',
    valid: '10.0.0.1',
    wrongType: 'localhost',
    outOfRange: '256.0.0.1',
  },
  { key: 'deny-list', valid: 'fd00::/8', wrongType: 'everyone', outOfRange: 'fd00::/129' },
  { key: 'blacklist', aliasOf: 'deny-list', valid: '10.0.0.1', wrongType: 'x', outOfRange: '10.0.0.1/-1' },
  { key: 'rate-limit-requests', valid: '10', wrongType: 'ten', outOfRange: '0' },
  { key: 'rate-limit-period', valid: '10s', wrongType: 'soon', outOfRange: '1234567890s' },
  { key: 'rate-limit-size', valid: '10k', wrongType: 'big', outOfRange: '0' },
  { key: 'rate-limit-status-code', valid: '429', wrongType: 'slow down', outOfRange: '302' },
  { key: 'rate-limit-whitelist', valid: '10.0.0.1', wrongType: 'me', outOfRange: '10.0.0.0/40' },
  { key: 'auth-type', valid: 'basic-auth', wrongType: 'digest' },
  { key: 'auth-secret', valid: 'users', wrongType: 'Not_A_Name', outOfRange: 'a/b/c' },
  { key: 'auth-realm', valid: 'Staff', wrongType: '   ', outOfRange: 'r'.repeat(65) },
  { key: 'cors-enable', valid: 'true', wrongType: 'maybe' },
  {
    key: 'cors-allow-origin',
    valid: 'https://a.example',
    wrongType: 'a.example',
    outOfRange: 'https://a:99999',
  },
  {
    key: 'cors-allow-methods',
    valid: 'GET',
    wrongType: 'GET;POST',
    outOfRange: Array(65).fill('GET').join(','),
  },
  { key: 'cors-allow-headers', valid: 'X-A', wrongType: 'X/A', outOfRange: Array(65).fill('X').join(',') },
  { key: 'cors-allow-credentials', valid: 'true', wrongType: 'maybe' },
  { key: 'cors-max-age', valid: '60', wrongType: '-1', outOfRange: '999999999d' },
  { key: 'cors-respond-to-options', valid: 'true', wrongType: 'maybe' },
  { key: 'hsts', valid: 'true', wrongType: 'maybe' },
  { key: 'hsts-max-age', valid: '600', wrongType: 'forever', outOfRange: '999999999d' },
  { key: 'hsts-include-subdomains', valid: 'true', wrongType: 'maybe' },
  { key: 'hsts-preload', valid: 'true', wrongType: 'maybe' },
];

const MARK = 'evilmark';

function badValues(k: KeyCase): [string, string][] {
  const cases: [string, string][] = [['wrong type', k.wrongType]];
  if (k.outOfRange) cases.push(['out of range', k.outOfRange]);
  cases.push(
    [
      'line break',
      k.multiLine ? `${k.valid}\r\n  http-request deny ${MARK}` : `${k.valid}\n  http-request deny ${MARK}`,
    ],
    ['comment', `${k.valid}#${MARK}`],
    ['double quote', `${k.valid}" ${MARK}`],
    ['single quote', `${k.valid}'${MARK}`],
    ['4097 characters', `${k.valid}${MARK}${'x'.repeat(4097)}`.slice(0, 4097)],
  );
  return cases;
}

const CASES = KEYS.flatMap((k) => badValues(k).map(([what, value]) => ({ ...k, what, value })));

describe('request policy: bad values', () => {
  let controller: TestController;
  let pods: Pods;

  const route = hostRoute;

  before(async () => {
    pods = await startPods('web', 1);
    controller = await TestController.create({
      'web.yaml': [...onePodService('web', pods)],
      'good.yaml': [route('good', { 'haproxy.org/response-set-header': 'X-Good yes' })],
    });
    await controller.start();
    await controller.write(
      'bad.yaml',
      CASES.map((c, i) => route(`bad-${i}`, { [`haproxy.org/${c.key}`]: c.value })),
    );
    await eventually(
      async () => assert.equal((await controller.get(`bad-${CASES.length - 1}.example`, '/')).pod, 'web-1'),
      15_000,
      100,
    );
  });

  after(async () => {
    await controller?.cleanup();
    await pods?.stop();
  });

  it(`each of ${CASES.length} bad annotation values is reported with object and key and ignored`, async () => {
    const log = await controller.log();
    const missing = CASES.flatMap((c, i) =>
      log.includes(`Ingress default/bad-${i} haproxy.org/${c.key}: `) ? [] : [`${c.key} (${c.what})`],
    );
    assert.deepEqual(missing, [], 'every bad value is reported');
    for (const [i, c] of CASES.entries()) {
      const reply = await controller.get(`bad-${i}.example`, '/');
      assert.equal(reply.pod, 'web-1', `${c.key} (${c.what}): the route still serves, the value ignored`);
    }
  });

  it('nothing of a bad value reaches haproxy.cfg, and other routes keep serving', async () => {
    const config = await controller.config();
    assert.ok(!config.includes(MARK), 'no injected text in haproxy.cfg');
    assert.ok(!config.includes('xxxxxxxx'), 'no oversized value in haproxy.cfg');
    const good = await controller.get('good.example', '/');
    assert.equal(good.pod, 'web-1');
    assert.equal(good.headers['x-good'], 'yes');
  });

  it('bad ConfigMap values are reported with the ConfigMap and key, and ignored', async () => {
    const kinds = ['wrong type', 'line break', 'comment', 'double quote', '4097 characters'];
    for (const [round, what] of kinds.entries()) {
      // A ConfigMap holding a key and its old name reads the key: old names get odd rounds.
      const keys = KEYS.filter((k) =>
        k.aliasOf ? round % 2 === 1 : !(round % 2 === 1 && KEYS.some((a) => a.aliasOf === k.key)),
      );
      const data = Object.fromEntries(
        keys.map((k) => [k.key, (badValues(k).find(([w]) => w === what) as [string, string])[1]]),
      );
      const logBefore = (await controller.log()).length;
      // A valid key next to the bad ones shows when the config has been rebuilt from this ConfigMap.
      const timeout = `${21 + round}s`;
      await controller.write('configmap.yaml', [configMap({ ...data, 'timeout-server': timeout })]);
      await eventually(
        async () => assert.ok((await controller.config()).includes(`timeout server ${timeout}`)),
        10_000,
        50,
      );
      const log = (await controller.log()).slice(logBefore);
      const missing = keys
        .filter((k) => !log.includes(`ConfigMap default/haproxy-configmap ${k.key}: `))
        .map((k) => k.key);
      assert.deepEqual(missing, [], `${what}: every bad ConfigMap value is reported`);
      assert.ok(!(await controller.config()).includes(MARK));
      assert.equal((await controller.get('good.example', '/')).headers['x-good'], 'yes');
      assert.equal((await controller.get('bad-0.example', '/')).pod, 'web-1');
    }
  });
});
