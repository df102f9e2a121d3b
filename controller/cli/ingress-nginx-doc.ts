/**
 * docs/migrate-from-ingress-nginx.md: the install steps, then one table of
 * every ingress-nginx annotation, generated from the same declarations the
 * model and `migrate` read (controller/model/settings/ingress-nginx/).
 */
import { INGRESS_NGINX_ANNOTATIONS } from '../model/settings/ingress-nginx/annotations.ts';
import { INGRESS_NGINX_DEFAULTS } from '../model/settings/ingress-nginx/dialect.ts';

const WORDS = { honoured: 'honoured', mapped: 'mapped', unsupported: 'not supported' } as const;

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function ingressNginxDoc(generated: string): string {
  const rows = [...INGRESS_NGINX_ANNOTATIONS]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((a) => {
      const becomes = a.becomes.map((k) => `\`haproxy.org/${k}\``).join(', ');
      return `| \`${a.name}\` | ${WORDS[a.support]} | ${becomes} | ${cell(a.note)} |`;
    });
  const counts = Object.entries(WORDS).map(
    ([support, word]) => `${INGRESS_NGINX_ANNOTATIONS.filter((a) => a.support === support).length} ${word}`,
  );
  const defaults = Object.entries(INGRESS_NGINX_DEFAULTS).map(([k, v]) => `| \`${k}\` | \`${v}\` |`);
  return [
    generated,
    '# Migrating from ingress-nginx',
    '',
    'Ingresses written for ingress-nginx keep working when their class becomes ours: their',
    "`nginx.ingress.kubernetes.io/` annotations are read with ingress-nginx's meaning, units and status codes,",
    "and turned into this controller's own keys (the table below says into which).",
    '',
    '- An Ingress of our class that carries any `nginx.ingress.kubernetes.io/` annotation is read in the',
    "  **ingress-nginx dialect**: ingress-nginx's defaults replace ours where they differ (below). An Ingress",
    "  without one keeps the reference controller's defaults (for example a TLS host redirects with 302, not 308).",
    '- `--default-annotation-dialect ingress-nginx` reads every Ingress in the ingress-nginx dialect: for a',
    '  cluster that moves at once, typically together with `--ingress.class nginx`.',
    '- `--disable-ingress-nginx-annotations` ignores these annotations altogether.',
    '- Our own keys (`haproxy.org/...`) on the same Ingress win over the translated annotations; the ConfigMap',
    "  wins over the dialect's defaults. Precedence is otherwise as usual: Service > Ingress > ConfigMap > default.",
    '- An annotation that is invalid, or that cannot be honoured (nginx-language snippets, Lua, ModSecurity), is',
    '  ignored and reported as a problem naming the Ingress and the annotation (`InvalidValue`, `Unsupported`,',
    '  `UnknownKey`; see [problems](problems.md)), in the log and, in cluster mode, as an Event.',
    '',
    '## Steps',
    '',
    '1. Take stock of what you run, and see what each annotation becomes here:',
    '',
    '   ```sh',
    '   mkdir ingresses && kubectl get ingress -A -o yaml > ingresses/all.yaml',
    '   haproxy-sidecar-ingress migrate --from ingress-nginx --manifests ingresses/',
    '   haproxy-sidecar-ingress migrate --from ingress-nginx --manifests ingresses/ --output json',
    '   ```',
    '',
    '   Every annotation of every Ingress is listed as honoured, mapped (to what, and how it differs) or not',
    '   supported (why). The command exits with status 1 when something would behave differently, 0 when',
    '   nothing would.',
    '',
    '2. Install the controller next to ingress-nginx ([install](install.md)): with Helm, or',
    '   `kubectl apply -f manifests/`. It serves only Ingresses of its own class (`haproxy`), so nothing changes',
    '   yet.',
    '',
    '3. Move Ingresses over, one of two ways:',
    '   - one at a time: set `spec.ingressClassName: haproxy` on an Ingress and check it through the new',
    "     controller's Service before you move its DNS name or load balancer;",
    '   - all at once: remove ingress-nginx (or its IngressClass), then run this controller with',
    '     `--ingress.class nginx --default-annotation-dialect ingress-nginx` (Helm value `controller.extraArgs`)',
    '     and an IngressClass `nginx` whose controller is `haproxy.org/ingress-controller`, so that the',
    '     Ingresses stay as they are.',
    '',
    '4. Point DNS or the load balancer at the new Service, then uninstall ingress-nginx.',
    '',
    '## Defaults of the ingress-nginx dialect',
    '',
    "Where ingress-nginx's defaults differ from ours, an Ingress in its dialect gets these (as our keys):",
    '',
    '| key | value |',
    '|---|---|',
    ...defaults,
    '',
    '## How authentication is built',
    '',
    '**auth-url.** HAProxy 2.6 and 3.0 offer three ways to ask an auth service before passing a request on: a Lua',
    "action using HAProxy's own HTTP client (`core.httpclient`), SPOE (an agent process beside HAProxy, speaking",
    'SPOP, that would make the HTTP call itself), and `http-request` rules alone, which cannot: neither version has',
    'a rule that sends a sub-request. The controller uses the Lua action (`haproxy/lua/auth-request.lua`, loaded only',
    'when a route asks for it): it ships with HAProxy, so there is no agent to build, run, secure and scale next to',
    "it; it passes the client's headers and reads the status, headers and cookie of the answer in one place; and it",
    'behaves the same on 2.6 and 3.0. An SPOE agent would add a process and a hop for the same HTTP call. Each',
    'request opens a connection to the auth service (the HTTP client keeps none alive); `npm run bench` prints the',
    'rate of a route with auth-url against the same route without it.',
    '',
    "**Basic auth.** Hashes that crypt(3) knows (bcrypt, SHA-512, ...) are checked by HAProxy itself; Apache's",
    '`$apr1$` hashes, which `htpasswd` writes by default and crypt(3) does not know, by `haproxy/lua/basic-auth.lua`.',
    'A bcrypt check costs tens of milliseconds of a HAProxy thread, so a verified `Authorization` header is',
    'remembered for a minute, per thread, under a SHA-256 digest of the userlist and the header (the credentials',
    'themselves are not kept); a failed check is never remembered, and a change of users reloads HAProxy with an',
    'empty memory. `npm run bench` prints the rate with the same credentials on every request and with a wrong',
    'password on every request (a bcrypt check each time).',
    '',
    '## What behaves differently',
    '',
    '`migrate` reports these per Ingress; the table below says it per annotation.',
    '',
    '- **ImplementationSpecific paths** are matched element by element here, as `Prefix`: `/api` takes `/api` and',
    '  `/api/x`, not `/apix`, which ingress-nginx (an nginx string prefix) also sent to it. Paths on a host with',
    '  `use-regex` or `rewrite-target` are regular expressions in both.',
    '- **Rate limits** (`limit-rps`, `limit-rpm`) count requests per client over a window as long as the burst',
    '  lasts, where nginx refills a leaky bucket: the same burst at once and the same average.',
    '- **A request body without Content-Length** (chunked, HTTP/2) is measured as far as HAProxy buffers it',
    '  (`tune.bufsize`, 16 KiB): a larger `proxy-body-size` is enforced on such bodies only up to that size.',
    "- **An untrusted client certificate** on a host with `auth-tls-secret` gets 400, unless the ConfigMap's",
    '  `client-ca` is set too: then the handshake fails, as that key wants for every host.',
    '',
    '## Annotations',
    '',
    `Every annotation of ingress-nginx v1.15 (${counts.join(', ')}). **honoured**: behaves as in`,
    'ingress-nginx. **mapped**: honoured through a near equivalent; the note says how it differs. **not supported**:',
    'ignored with a problem; the note says why. Annotations are written with the prefix',
    '`nginx.ingress.kubernetes.io/`; the keys they become are documented in [annotations](annotations.md).',
    '',
    '| annotation | here | becomes | notes |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
