/**
 * Pods that speak TLS or HTTP/2: an HTTPS echo server with its own
 * certificate (optionally requiring client certificates from a CA), an HTTP/2
 * server over TLS, and a cleartext HTTP/2 (h2c) server. Each answers with who
 * it is, the protocol version it saw and the client certificate, if any.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createServer as createH2cServer,
  createSecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { startPodServers } from './custom-pods.ts';

export interface TlsEchoReply {
  pod: string;
  httpVersion: string;
  tls: boolean;
  /** CN of the client certificate HAProxy presented, or ''. */
  clientCert: string;
}

export type TlsPodKind = 'https' | 'h2' | 'h2c';

export interface TlsPodOptions {
  kind: TlsPodKind;
  /** Certificate served (https, h2). */
  cert?: string;
  key?: string;
  /** Require client certificates signed by this CA (https). */
  clientCa?: string;
}

export interface TlsPods {
  addresses: string[];
  names: string[];
  port: number;
  stop(): Promise<void>;
}

function handler(pod: string) {
  return (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const encrypted = Boolean(socket.encrypted);
    const peer = encrypted ? socket.getPeerCertificate() : undefined;
    const reply: TlsEchoReply = {
      pod,
      httpVersion: req.httpVersion,
      tls: encrypted,
      clientCert: String(peer?.subject?.CN ?? ''),
    };
    const body = `${JSON.stringify(reply)}\n`;
    // Both response kinds accept this call; their overloads differ only in typing.
    (res as ServerResponse).writeHead(200, { 'content-type': 'application/json', 'x-pod': pod });
    res.end(body);
  };
}

function make(pod: string, options: TlsPodOptions): Server {
  const onRequest = handler(pod);
  switch (options.kind) {
    case 'https':
      return createHttpsServer(
        {
          cert: options.cert,
          key: options.key,
          ...(options.clientCa && { ca: options.clientCa, requestCert: true, rejectUnauthorized: true }),
        },
        onRequest,
      );
    case 'h2':
      return createSecureServer({ cert: options.cert, key: options.key, allowHTTP1: true }, onRequest);
    case 'h2c':
      return createH2cServer(onRequest);
  }
}

/** Starts `count` pods named `<prefix>-<i>` on fresh loopback addresses sharing a port. */
export async function startTlsPods(prefix: string, count: number, options: TlsPodOptions): Promise<TlsPods> {
  const pods = await startPodServers(count, (index) => make(`${prefix}-${index + 1}`, options));
  return {
    addresses: pods.addresses,
    names: pods.addresses.map((_, i) => `${prefix}-${i + 1}`),
    port: pods.port,
    stop: () => pods.stop(),
  };
}
