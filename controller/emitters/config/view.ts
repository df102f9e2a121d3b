/**
 * Flattens the desired state, the slot plan and the controller's options into
 * the exact values the templates print. Every decision about what appears in
 * haproxy.cfg is made here or in the model, never in a template.
 */
import { dirname } from 'node:path';
import { PATTERN_DIR } from '../../model/pattern-files.ts';
import { SYSTEM_CA, tlsFileName } from '../../model/tls.ts';
import type { DesiredState, Snippet } from '../../model/types.ts';
import { BUILTIN_DEFAULT_BACKEND, BUILTIN_ERROR_BACKEND } from '../../model/types.ts';
import { refLabel } from '../../store/problems.ts';
import type { SlotTable } from '../runtime/slots.ts';
import { tcpAccessLines } from './access-lines.ts';
import { authGlobalLines } from './auth-lines.ts';
import { CLIENT_AUTH_CRT_LIST } from './client-auth-lines.ts';
import { errorfileLines } from './errorfiles.ts';
import { captureSlots, policyLines, userlists } from './policy-lines.ts';
import { planRoutes, ROUTE_OVERLAY_SWITCH, routingLines } from './route-map.ts';
import { backendLines, defaultServerLines, defaultsLines, globalLines } from './section-lines.ts';
import { tcpServicesView } from './tcp-services-view.ts';

export interface Listen {
  ipv4Address: string | undefined;
  ipv6Address: string | undefined;
  httpPort: number;
  httpsPort: number;
  statsPort: number;
  healthzPort: number;
  /** --disable-http, --disable-https: these ports are not bound. */
  disabledPorts?: readonly number[];
}

export interface Paths {
  configDir: string;
  statsSocket: string;
}

/** Routes of the HTTP frontend, looked up by host and path (route-map.ts). */
export { ROUTE_MAP } from './route-map.ts';

export const CERT_DIR = 'certs';
export const CRT_LIST = 'certs/crt-list.txt';
/** Served when no SNI name matches and no --default-ssl-certificate is set. */
export const FALLBACK_CERT = 'certs/default-selfsigned.pem';
/** ssl-passthrough: SNI name → TCP backend. */
export const PASSTHROUGH_MAP = 'maps/sni-passthrough.map';
/** Backend that hands non-passthrough TLS to the terminating frontend. */
export const HTTPS_OFFLOAD = 'https-offload';

export function formatAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function binds(listen: Listen, port: number): string[] {
  if (listen.disabledPorts?.includes(port)) return [];
  const out: string[] = [];
  if (listen.ipv4Address !== undefined) out.push(`${listen.ipv4Address}:${port}`);
  if (listen.ipv6Address !== undefined) out.push(`[${listen.ipv6Address}]:${port} v6only`);
  return out;
}

/**
 * The HTTPS side: bind options of the terminating frontend, and with
 * ssl-passthrough the TCP frontend in front of it that routes by SNI and hands
 * everything else to it over a local socket (PROXY v2 keeps client addresses).
 */
function tlsView(state: DesiredState, listen: Listen, paths: Paths) {
  const file = (relative: string) => `${paths.configDir}/${relative}`;
  const { frontend } = state.tls;
  const { passthrough } = state.routing;
  const verify = frontend.clientVerify;
  const bindOptions = [`alpn ${frontend.alpn}`];
  if (frontend.strictSni) bindOptions.push('strict-sni');
  // Hosts that ask for client certificates answer an unverified one with 400, not a TLS alert
  // (client-auth-lines.ts); the ConfigMap's client-ca, which verifies every host, keeps its alert.
  const clientAuthList = state.tls.clientAuth?.length ? `crt-list ${file(CLIENT_AUTH_CRT_LIST)} ` : '';
  if (clientAuthList && !verify) bindOptions.push('ca-ignore-err all crt-ignore-err all');
  if (verify && verify !== 'reject')
    bindOptions.push(
      `ca-file ${file(`${CERT_DIR}/${verify.caFile}`)} verify ${verify.optional ? 'optional' : 'required'}`,
    );
  const proxyProtocol = frontend.proxyProtocol?.join(' ');
  const offloadSocket = `${dirname(paths.statsSocket)}/https-offload.sock`;
  const tcp = passthrough.length > 0;
  const terminate = `ssl crt ${state.tls.defaultCertificate ? file(`${CERT_DIR}/${state.tls.defaultCertificate.file}`) : file(FALLBACK_CERT)} ${clientAuthList}crt-list ${file(CRT_LIST)} ${bindOptions.join(' ')}`;
  // The local socket is bound whether or not passthrough is on: a worker that is being
  // replaced hands the connections it accepted just before to whichever worker owns the
  // socket now, so switching passthrough on or off never drops a connection.
  const offloadBind = `unix@${offloadSocket} mode 600 accept-proxy name ${HTTPS_OFFLOAD} ${terminate}`;
  return {
    /** Bind options that terminate TLS (Gateway listeners on other ports take them too). */
    terminate,
    https: tcp
      ? [offloadBind]
      : [...binds(listen, listen.httpsPort).map((b) => `${b} ${terminate}`), offloadBind],
    /** Name of the local bind, which speaks PROXY protocol already and must not expect it twice. */
    offloadBindName: HTTPS_OFFLOAD,
    /** `src` patterns that must send PROXY protocol, for frontends that face clients. */
    proxyProtocol,
    httpsProxyProtocol: tcp ? undefined : proxyProtocol,
    /** client-ca is set but unusable: refuse every HTTPS connection. */
    rejectAll: verify === 'reject',
    passthrough: tcp
      ? {
          binds: binds(listen, listen.httpsPort),
          map: file(PASSTHROUGH_MAP),
          offload: HTTPS_OFFLOAD,
          offloadServer: `unix@${offloadSocket} send-proxy-v2`,
        }
      : undefined,
  };
}

/**
 * Server options shared by rendered slots and servers added over the Runtime API,
 * so only keywords `add server` accepts (HAProxy 2.6) may appear here. Cookie
 * persistence needs nothing per server: cookies are dynamic (address hash).
 */
export function serverOptions(settings: DesiredState['backends'][number]['settings']): string {
  const options: string[] = [];
  if (settings.check) {
    options.push('check');
    if (settings.checkInterval) options.push(`inter ${settings.checkInterval}`);
    // A pod that expects the PROXY header would reject a check connection without one.
    if (settings.sendProxyProtocol) options.push('check-send-proxy');
  }
  if (settings.podMaxconn !== undefined) options.push(`maxconn ${settings.podMaxconn}`);
  if (settings.sendProxyProtocol) options.push(settings.sendProxyProtocol);
  options.push(...serverTlsOptions(settings));
  return options.join(' ');
}

/**
 * TLS to the pods (server-ssl, server-ca, server-crt, server-proto). Files are
 * relative to `ca-base`/`crt-base` (the certificate directory), so the same
 * words work in haproxy.cfg and in `add server`. (The model turns server TLS
 * off for passthrough backends, which forward the client's TLS as it is.)
 */
function serverTlsOptions(settings: DesiredState['backends'][number]['settings']): string[] {
  const options: string[] = [];
  if (settings.serverSsl) {
    options.push('ssl');
    const ca = settings.serverCa;
    if (ca === undefined) options.push('verify none');
    else
      options.push(`verify required ca-file ${ca === SYSTEM_CA ? SYSTEM_CA : tlsFileName('server-ca', ca)}`);
    if (settings.serverCrt) options.push(`crt ${tlsFileName('server-crt', settings.serverCrt)}`);
    if (settings.serverProto) options.push(`alpn ${settings.serverProto}`);
  }
  if (settings.serverProto) options.push(`proto ${settings.serverProto}`);
  return options;
}

/**
 * A snippet as printed: its lines between two marker comments that name where it
 * came from, so the config writer can find and drop a snippet that fails validation.
 */
export interface SnippetBlock {
  begin: string;
  lines: string[];
  end: string;
}

export const SNIPPET_BEGIN = /^\s*# config snippet (\d+) begin: (.*)$/;
export const snippetEnd = (id: string): RegExp => new RegExp(`^\\s*# config snippet ${id} end$`);

/** Where each printed snippet came from, by its id: what the writer reports when it drops one. */
export type SnippetOrigins = Map<string, Pick<Snippet, 'ref' | 'field'>>;

function snippetNumbering(origins: SnippetOrigins) {
  let next = 1;
  return (snippet: Snippet | undefined, where: string): SnippetBlock | undefined => {
    if (!snippet || snippet.lines.length === 0) return undefined;
    const id = String(next++);
    origins.set(id, { ref: snippet.ref, field: snippet.field });
    return {
      begin: `# config snippet ${id} begin: ${snippet.field} of ${refLabel(snippet.ref)}${where}`,
      lines: [...snippet.lines],
      end: `# config snippet ${id} end`,
    };
  };
}

/** `snippetOrigins` is filled with where each printed snippet came from. */
export function buildView(
  state: DesiredState,
  slots: SlotTable,
  listen: Listen,
  paths: Paths,
  snippetOrigins: SnippetOrigins = new Map(),
) {
  const file = (relative: string) => `${paths.configDir}/${relative}`;
  const snippet = snippetNumbering(snippetOrigins);
  const captures = captureSlots(state.backends.map((b) => b.policy));
  const tls = tlsView(state, listen, paths);
  return {
    global: {
      lines: [
        ...globalLines(state, paths.statsSocket, file(CERT_DIR)),
        ...authGlobalLines(
          state.backends.map((b) => b.policy),
          paths.configDir,
        ),
      ],
    },
    defaults: { lines: [...defaultsLines(state), ...errorfileLines(state, paths.configDir)] },
    snippets: {
      global: snippet(state.snippets.global, ''),
      frontend: snippet(state.snippets.frontend, ''),
      stats: snippet(state.snippets.stats, ''),
    },
    binds: {
      http: binds(listen, listen.httpPort),
      https: binds(listen, listen.httpsPort),
      stats: binds(listen, listen.statsPort),
      healthz: binds(listen, listen.healthzPort),
    },
    ...routingView(state, listen, paths, tls),
    tls,
    builtinDefaultBackend: BUILTIN_DEFAULT_BACKEND,
    tcpServices: tcpServicesView(state, listen, paths),
    userlists: userlists(state.backends.map((b) => b.policy)),
    captureSlots: captures.lengths,
    backends: state.backends.map((b, i) => ({
      name: b.name,
      service: refLabel(b.service),
      lines: backendLines(b),
      snippet: snippet(b.snippet, ` in backend ${b.name}`),
      policy:
        b.mode === 'tcp'
          ? tcpAccessLines(b.policy, file(PATTERN_DIR))
          : policyLines(b.policy, captures.firstIds[i], file(PATTERN_DIR), paths.configDir),
      defaultServer: defaultServerLines(b),
      servers: (slots.get(b.name) ?? []).map((s) => ({
        name: s.name,
        // Free slots park on a discard address; draining pods start disabled in a fresh worker,
        // which has no connections to finish on them.
        address: s.endpoint ? formatAddress(s.endpoint.address, s.endpoint.port) : '127.0.0.1:1',
        enabled: s.state === 'ready',
        cookie: b.settings.cookiePersistenceNoDynamic ? ` cookie ${s.name}` : '',
      })),
    })),
  };
}

export type ConfigView = ReturnType<typeof buildView>;

/**
 * Each frontend's routing lines (route-map.ts), and the frontends Gateway
 * listeners need on other ports than 80 and 443: bound on the declared port,
 * with TLS where the listener is HTTPS; a redirect that keeps the request's
 * scheme gives Location their port (`txn.port_suffix`).
 */
function routingView(state: DesiredState, listen: Listen, paths: Paths, tls: ReturnType<typeof tlsView>) {
  const file = (relative: string) => `${paths.configDir}/${relative}`;
  const listeners = state.listeners ?? [];
  const plan = planRoutes(
    state.routing,
    listeners.map((l) => l.port),
  );
  const linesOf = (port: number) => {
    const frontend = plan.frontends.find((f) => f.port === port);
    if (!frontend) throw new Error(`no routing for declared port ${port}`);
    return { lines: routingLines(frontend, file) };
  };
  return {
    builtinErrorBackend: BUILTIN_ERROR_BACKEND,
    routeOverlaySwitch: ROUTE_OVERLAY_SWITCH,
    routing: { http: linesOf(80), https: linesOf(443) },
    listeners: listeners.map((l) => ({
      name: `listener_${l.port}`,
      binds: binds(listen, l.port).map((b) => (l.tls ? `${b} ${tls.terminate}` : b)),
      proto: l.tls ? 'https' : 'http',
      /** client-ca names an unusable Secret: no client can be verified here either. */
      rejectAll: l.tls && tls.rejectAll,
      portSuffix: `:${l.port}`,
      routing: linesOf(l.port),
    })),
  };
}
