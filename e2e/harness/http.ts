/** Plain HTTP(S) clients for tests: one fresh connection per request, so each is routed anew. */
import { request as httpRequest } from 'node:http';
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

export function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            pod: res.headers['x-pod'] as string | undefined,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export function httpsGet(
  port: number,
  servername: string,
  path: string,
  timeoutMs = 5_000,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        servername,
        headers: { host: servername },
        rejectUnauthorized: false,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const peer = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            pod: res.headers['x-pod'] as string | undefined,
            certificate: {
              subject: String(peer.subject?.CN ?? ''),
              altNames: String(peer.subjectaltname ?? ''),
            },
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
