/** Plain HTTP(S) clients for tests: one fresh connection per request, so each is routed anew. */
import {
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Which pod answered (x-pod header of the echo servers), if any. */
  pod: string | undefined;
  /** Subject CN / SANs of the certificate served (HTTPS only). */
  certificate?: { subject: string; altNames: string };
}

type Send = (options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;

/** One request on a fresh connection; the reply body is read whole. */
function send(request: Send, options: RequestOptions, timeoutMs: number): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', agent: false, timeout: timeoutMs, ...options }, (res) => {
      const socket = res.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          pod: res.headers['x-pod'] as string | undefined,
          ...(peer && {
            certificate: {
              subject: String(peer.subject?.CN ?? ''),
              altNames: String(peer.subjectaltname ?? ''),
            },
          }),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000,
  /** Another method (e.g. OPTIONS), or a source address such as 127.0.0.7 to appear as another client. */
  extra: Pick<RequestOptions, 'method' | 'localAddress'> = {},
): Promise<HttpReply> {
  return send(httpRequest, { port, path, headers, ...extra }, timeoutMs);
}

export function httpsGet(
  port: number,
  servername: string,
  path: string,
  timeoutMs = 5_000,
  /** A client certificate to present (`cert`, `key`), a source address, another method or more headers. */
  tls: {
    cert?: string;
    key?: string;
    localAddress?: string;
    method?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpReply> {
  const { headers, ...rest } = tls;
  return send(
    httpsRequest,
    {
      port,
      path,
      servername,
      headers: { host: servername, ...headers },
      rejectUnauthorized: false,
      ...rest,
    } as RequestOptions,
    timeoutMs,
  );
}
