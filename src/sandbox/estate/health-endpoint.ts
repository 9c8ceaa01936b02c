/** The simulated estate's health URLs (`GET /health/<name>`), answering from the estate's state as it is now. */
import http from 'node:http';
import { closeServer, listenLocal } from './local-http.js';

export class HealthEndpoint {
  private server?: http.Server;
  private port = 0;

  constructor(private readonly answer: (name: string) => { status: number; body: string }) {}

  urlFor(name: string): string {
    return `http://127.0.0.1:${this.port}/health/${encodeURIComponent(name)}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const m = /^\/health\/([^/?]+)/.exec(req.url ?? '');
      const r = m ? this.answer(decodeURIComponent(m[1]!)) : { status: 404, body: 'not found' };
      res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8' }).end(r.body);
    });
    this.port = await listenLocal(this.server);
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await closeServer(s);
  }
}
