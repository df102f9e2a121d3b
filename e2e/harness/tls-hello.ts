/** A TLS ClientHello as raw bytes, for tests that drive a passthrough connection by hand. */
import { createServer } from 'node:net';
import { connect } from 'node:tls';

/** The first flight Node's TLS client sends for `servername` (a ClientHello with SNI), captured on loopback. */
export async function tlsClientHello(servername: string): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const captured = new Promise<Buffer>((resolve) =>
    server.once('connection', (socket) => {
      socket.once('data', (hello: Buffer) => {
        resolve(hello);
        socket.destroy();
      });
    }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const client = connect({ host: '127.0.0.1', port: address.port, servername, rejectUnauthorized: false });
  client.on('error', () => {});
  try {
    return await captured;
  } finally {
    client.destroy();
    server.close();
  }
}
