import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every local peer does with its HTTP server: read the whole body, listen on a free loopback port, close. */
export function readBody(req: http.IncomingMessage, done: (raw: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

export async function listenLocal(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** Closes the server and its keep-alive sockets, so jest is not kept waiting. */
export async function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
