import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Store } from '../store/index.js';

export type Route = { path: string; method: string; handler: (req: IncomingMessage, res: ServerResponse) => void };

/** `GET /healthz`: 200 when the database answers within 2 s, else 503; a load balancer's readiness probe. */
export function healthRoute(store: Store): Route {
  return {
    path: '/healthz',
    method: 'GET',
    handler: (_req, res) => {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('database did not answer within 2 s')), 2_000).unref());
      Promise.race([store.ping(), timeout]).then(
        () => send(res, 200, { ok: true, database: 'up' }),
        (err: Error) => send(res, 503, { ok: false, database: 'down', error: err.message }),
      );
    },
  };
}

export function metricsRoute(registry: Registry): Route {
  return {
    path: '/metrics',
    method: 'GET',
    handler: (_req, res) => {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      }, (err: Error) => send(res, 500, { error: err.message }));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
