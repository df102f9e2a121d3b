/**
 * The request policy of a backend: the request keys resolved for one route
 * (Service > Ingress > ConfigMap > default), reduced to what takes effect,
 * plus what only the model knows: whether the route's host has TLS (for
 * ssl-redirect) and the users of the auth Secret. Two routes to the same
 * Service port with different policies get different backends.
 */
import { objectRef, type Problem, type ProblemRef } from '../store/problems.ts';
import type { Secret } from '../store/schemas.ts';
import { secretUsers } from './auth-users.ts';
import type { HeaderEdits, PathReplace, RedirectParts } from './request-edits.ts';
import {
  ANNOTATION_PREFIXES,
  type KeyOrigin,
  type Origins,
  type Resolved,
  resolveAll,
  type SettingsLayer,
} from './settings/registry.ts';
import { REQUEST_KEYS } from './settings/request-keys.ts';

export type RequestSettings = Resolved<typeof REQUEST_KEYS>;

export interface AuthUser {
  name: string;
  /** crypt(3) hash, as stored in the Secret. */
  hash: string;
}

export interface BackendPolicy {
  srcIpHeader?: RequestSettings['srcIpHeader'];
  sslRedirect?: {
    code: RequestSettings['sslRedirectCode'];
    port: RequestSettings['sslRedirectPort'];
    /** A trailing `/` at the end of path and query is dropped (ingress-nginx). */
    dropTrailingSlash?: true;
  };
  /** A request for `/` is redirected (302) to this path on the request host. */
  appRoot?: string;
  /** www-redirect: every request is redirected (308) to this host, the other spelling of the request's. */
  wwwRedirect?: string;
  /** Client certificates of the route's hosts (client-auth-ca): what the request rules make of them. */
  clientAuth?: {
    verify: 'on' | 'optional' | 'optional_no_ca';
    passCertificate: boolean;
    matchSubject?: string;
    errorPage?: string;
  };
  /**
   * error-pages-service: asked for the page of the listed statuses of the pods, and of a route
   * without pods; `route` is `namespace,ingress,service,port` for its X- headers.
   */
  errorPages?: { backend: string; codes: number[]; route: string };
  /** satisfy any: the address lists excuse from auth instead of refusing. */
  satisfyAny?: true;
  /** A Location (and Refresh) of the pods' responses starting with `from` gets `to` instead. */
  locationRewrite?: { from: string; to: string };
  /** auth-url: each request is first put to an auth service (haproxy/lua/auth-request.lua). */
  externalAuth?: {
    url: string;
    method: string;
    /** Headers of a 2xx answer copied onto the request. */
    responseHeaders: string[];
    /** Where a 401 sends the client, and the parameter that carries the request's URL. */
    signin?: { url: string; param: string };
  };
  /** Every request is answered with a redirect to this URL (a path: on the request host unless relative). */
  redirectLocation?: { url: string; code: number; relative: boolean };
  denyList?: RequestSettings['denyList'];
  allowList?: RequestSettings['allowList'];
  rateLimit?: {
    requests: number;
    period: RequestSettings['rateLimitPeriod'];
    size: RequestSettings['rateLimitSize'];
    status: RequestSettings['rateLimitStatusCode'];
    exempt: RequestSettings['rateLimitWhitelist'];
  };
  /** Requests in flight per client address; one more gets `status`. Shares the rate limit's table. */
  connectionLimit?: {
    max: number;
    size: RequestSettings['rateLimitSize'];
    status: RequestSettings['rateLimitStatusCode'];
    exempt: RequestSettings['rateLimitWhitelist'];
  };
  /** Largest request body in bytes; a larger one gets 413. */
  bodyMax?: number;
  cors?: {
    origins: RequestSettings['corsAllowOrigin'];
    methods: RequestSettings['corsAllowMethods'];
    headers: RequestSettings['corsAllowHeaders'];
    credentials: RequestSettings['corsAllowCredentials'];
    maxAge: RequestSettings['corsMaxAge'];
    /** cors-respond-to-options: answer every OPTIONS request, not only preflights. */
    respondToOptions?: boolean;
    /** cors-expose-headers, as printed. */
    exposeHeaders?: string;
  };
  /**
   * Basic auth. `userlist` names the Secret's users section; without it (no
   * Secret, or no valid user in it) every request is refused with 401.
   */
  auth?: {
    realm: RequestSettings['authRealm'];
    userlist?: string;
    users: AuthUser[];
    /** Without a userlist: 503 instead of 401 (ingress-nginx's answer when its Secret is unusable). */
    unavailableStatus?: 503;
  };
  requestRedirect?: {
    target: NonNullable<RequestSettings['requestRedirect']>;
    code: RequestSettings['requestRedirectCode'];
  };
  pathRewrite?: RequestSettings['pathRewrite'];
  setHost?: RequestSettings['setHost'];
  requestHeaders?: RequestSettings['requestSetHeader'];
  responseHeaders?: RequestSettings['responseSetHeader'];
  captures?: {
    samples: NonNullable<RequestSettings['requestCapture']>;
    len: RequestSettings['requestCaptureLen'];
  };
  hsts?: { maxAge: number; includeSubdomains: boolean; preload: boolean };
  /** Gateway API RequestHeaderModifier: request headers set, added and removed. */
  requestHeaderEdits?: HeaderEdits;
  /** Gateway API ResponseHeaderModifier. */
  responseHeaderEdits?: HeaderEdits;
  /** Gateway API URLRewrite path: the whole path, or the matched prefix. */
  pathReplace?: PathReplace;
  /** Gateway API RequestRedirect: every request is redirected to a location built from these parts. */
  redirect?: RedirectParts;
}

export interface PolicyContext {
  /** The route's host is listed in its Ingress's tls section. */
  tlsHost: boolean;
  /** Namespace a bare auth-secret name refers to. */
  namespace: string;
  /** The object that asked for this policy, for problems whose key has no origin. */
  referrer: ProblemRef;
}

/** Secret keys are user names; values are crypt(3) hashes ($id$salt$hash, or DES). */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const CRYPT_HASH = /^(\$[A-Za-z0-9]{1,4}(\$[A-Za-z0-9=,./-]{1,512}){1,4}|[A-Za-z0-9./]{13})$/;

/** Name of the userlist section that holds a Secret's users. */
export const userlistName = (secretKey: string): string => `auth_${secretKey.replace('/', '_')}`;

/** Every spelling of a request key, bare (ConfigMap) and prefixed (annotations). */
const FIELDS = new Set(
  Object.values(REQUEST_KEYS)
    .flatMap((k) => [k.name, ...(k.aliases ?? [])])
    .flatMap((name) => [name, ...ANNOTATION_PREFIXES.map((prefix) => prefix + name)]),
);
const DEFAULTS = resolveAll(REQUEST_KEYS, [], []);

/** Most objects set no request key: they skip resolving each key through each layer. */
const setsAny = (layers: readonly SettingsLayer[]): boolean =>
  layers.some((layer) => Object.keys(layer.values).some((field) => FIELDS.has(field)));

export function resolvePolicy(
  layers: readonly SettingsLayer[],
  context: PolicyContext,
  secretOf: (key: string) => Secret | undefined,
  problems: Problem[],
  origins: Origins<typeof REQUEST_KEYS> = {},
): BackendPolicy {
  const s = setsAny(layers) ? resolveAll(REQUEST_KEYS, layers, problems, origins) : DEFAULTS;
  const policy: BackendPolicy = {};
  if (s.srcIpHeader) policy.srcIpHeader = s.srcIpHeader;
  if (s.sslRedirect ?? context.tlsHost)
    policy.sslRedirect = {
      code: s.sslRedirectCode,
      port: s.sslRedirectPort,
      ...(s.sslRedirectTrailingSlash === 'drop' && { dropTrailingSlash: true as const }),
    };
  if (s.appRoot) policy.appRoot = s.appRoot;
  if (s.redirectLocation)
    policy.redirectLocation = {
      url: s.redirectLocation,
      code: s.redirectLocationCode,
      relative: s.redirectLocationRelative,
    };
  if (s.denyList) policy.denyList = s.denyList;
  if (s.allowList) policy.allowList = s.allowList;
  if (s.rateLimitRequests !== undefined) {
    policy.rateLimit = {
      requests: s.rateLimitRequests,
      period: s.rateLimitPeriod,
      size: s.rateLimitSize,
      status: s.rateLimitStatusCode,
      exempt: s.rateLimitWhitelist,
    };
  }
  if (s.rateLimitConnections !== undefined)
    policy.connectionLimit = {
      max: s.rateLimitConnections,
      size: s.rateLimitSize,
      status: s.rateLimitStatusCode,
      exempt: s.rateLimitWhitelist,
    };
  if (s.requestBodyMax) policy.bodyMax = s.requestBodyMax;
  if (s.satisfy === 'any') policy.satisfyAny = true;
  if (s.clientAuthCa && s.clientAuthVerify !== 'off')
    policy.clientAuth = {
      verify: s.clientAuthVerify,
      passCertificate: s.clientAuthPassCertificate,
      ...(s.clientAuthMatchSubject && { matchSubject: s.clientAuthMatchSubject }),
      ...(s.clientAuthErrorPage && { errorPage: s.clientAuthErrorPage }),
    };
  if (s.locationRewrite) policy.locationRewrite = s.locationRewrite;
  if (s.authUrl)
    policy.externalAuth = {
      url: s.authUrl,
      method: s.authUrlMethod,
      responseHeaders: s.authUrlResponseHeaders ?? [],
      ...(s.authUrlSignin && { signin: { url: s.authUrlSignin, param: s.authUrlSigninParam } }),
    };
  if (s.corsEnable) {
    policy.cors = {
      origins: s.corsAllowOrigin,
      methods: s.corsAllowMethods,
      headers: s.corsAllowHeaders,
      credentials: s.corsAllowCredentials,
      maxAge: s.corsMaxAge,
      ...(s.corsRespondToOptions && { respondToOptions: true }),
      ...(s.corsExposeHeaders && { exposeHeaders: s.corsExposeHeaders }),
    };
  }
  if (s.authType === 'basic-auth') policy.auth = resolveAuth(s, origins, context, secretOf, problems);
  if (s.requestRedirect) policy.requestRedirect = { target: s.requestRedirect, code: s.requestRedirectCode };
  if (s.pathRewrite) policy.pathRewrite = s.pathRewrite;
  if (s.setHost) policy.setHost = s.setHost;
  if (s.requestSetHeader) policy.requestHeaders = s.requestSetHeader;
  if (s.responseSetHeader) policy.responseHeaders = s.responseSetHeader;
  if (s.requestCapture) policy.captures = { samples: s.requestCapture, len: s.requestCaptureLen };
  if (s.hsts) {
    policy.hsts = {
      maxAge: s.hstsMaxAge,
      includeSubdomains: s.hstsIncludeSubdomains,
      preload: s.hstsPreload,
    };
  }
  return policy;
}

function resolveAuth(
  s: RequestSettings,
  origins: Origins<typeof REQUEST_KEYS>,
  context: PolicyContext,
  secretOf: (key: string) => Secret | undefined,
  problems: Problem[],
): NonNullable<BackendPolicy['auth']> {
  const unavailable = s.authUnavailableStatus;
  const closed = {
    realm: s.authRealm,
    users: [],
    ...(unavailable === 503 && { unavailableStatus: 503 as const }),
  };
  // Reported where the key was set: the Service, the Ingress or the ConfigMap, under its exact name.
  const problem = (
    origin: KeyOrigin | undefined,
    reason: 'UnresolvedReference' | 'InvalidValue',
    message: string,
  ) =>
    problems.push({
      ref: origin?.ref ?? context.referrer,
      field: origin?.field ?? 'auth-secret',
      reason,
      message,
      severity: 'error',
    });
  if (!s.authSecret) {
    problem(
      origins.authType,
      'InvalidValue',
      `auth-type basic-auth needs an auth-secret; every request gets ${unavailable}`,
    );
    return closed;
  }
  const key = s.authSecret.includes('/') ? s.authSecret : `${context.namespace}/${s.authSecret}`;
  const secret = secretOf(key);
  if (!secret) {
    problem(
      origins.authSecret,
      'UnresolvedReference',
      `Secret ${key} not found; every request gets ${unavailable}`,
    );
    return closed;
  }
  const secretRef = objectRef('Secret', secret.metadata);
  const users: AuthUser[] = [];
  for (const { name, hash, field } of secretUsers(secret)) {
    if (!USER_NAME.test(name)) {
      problems.push({
        ref: secretRef,
        field: field === 'data.auth' ? field : 'data',
        reason: 'InvalidValue',
        message: 'a key is not a valid user name (letters, digits, ._@-); that user is ignored',
        severity: 'error',
      });
    } else if (!CRYPT_HASH.test(hash)) {
      problems.push({
        ref: secretRef,
        field,
        reason: 'InvalidValue',
        message: `${field === 'data.auth' ? `user ${name}: ` : ''}not a crypt(3) or $apr1$ password hash (e.g. from htpasswd or openssl passwd -6); that user is ignored`,
        severity: 'error',
      });
    } else users.push({ name, hash });
  }
  if (users.length === 0) {
    problem(
      origins.authSecret,
      'UnresolvedReference',
      `Secret ${key} holds no valid user; every request gets ${unavailable}`,
    );
    return closed;
  }
  return { realm: s.authRealm, userlist: userlistName(key), users };
}
