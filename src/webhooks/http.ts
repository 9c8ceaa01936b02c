/** Reading a webhook's raw body (signatures are over the exact bytes) with a size limit, and answering. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLarge extends Error {}

export function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Over the limit: the rest is read and dropped (so the sender gets its 413), up to a hard stop.
      if (size > limit * 8) req.destroy();
      else if (size <= limit) chunks.push(c);
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLarge(`body over ${limit} bytes`)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    // Destroyed (far over the limit) or the sender went away: settle, so nothing waits on a dead request.
    req.on('close', () => reject(size > limit ? new BodyTooLarge(`body over ${limit} bytes`) : new Error('the request was closed before its body ended')));
  });
}

export function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
