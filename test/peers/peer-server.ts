import http from 'node:http';
import { closeServer, listenLocal, readBody } from './local-http.js';

export interface PeerRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, any>;
  /** What the peer answered (status), or 'timeout' when it held the request unanswered. */
  answered: number | 'timeout';
  at: number;
}

/** What the peer does instead of its normal answer: an HTTP status (with a body), or no answer at all. */
export type Fault = { status: number; body?: unknown } | { timeout: true };

/** An answer, or `drop`: the request was carried out but the connection dies before any answer (a lost reply). */
export type Answer = { status: number; body: unknown } | { drop: true };

/**
 * A local HTTP server standing in for a paging provider: records every request, answers through the
 * provider's `handle`, and can be told to fail the next N requests or to be down until told otherwise.
 */
export abstract class PeerServer {
  readonly requests: PeerRequest[] = [];
  private server?: http.Server;
  private port = 0;
  private once: Array<{ fault: Fault; when?: (r: Omit<PeerRequest, 'answered' | 'at'>) => boolean }> = [];
  private outage?: Fault;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `n` requests (that `when` picks, if given) get `fault`. */
  failNext(n: number, fault: Fault, when?: (r: Omit<PeerRequest, 'answered' | 'at'>) => boolean): void {
    for (let i = 0; i < n; i++) this.once.push({ fault, when });
  }

  /** Every request gets `fault` until `up()`. */
  down(fault: Fault = { status: 503, body: { message: 'Service Unavailable' } }): void {
    this.outage = fault;
  }

  up(): void {
    this.outage = undefined;
  }

  reset(): void {
    this.requests.length = 0;
    this.once = [];
    this.outage = undefined;
  }

  protected abstract handle(req: Omit<PeerRequest, 'answered' | 'at'>): Answer;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      readBody(req, (raw) => {
        const url = new URL(req.url ?? '/', 'http://peer');
        let body: Record<string, any> = {};
        let parseError = false;
        try {
          body = raw ? JSON.parse(raw) : {};
        } catch {
          parseError = true;
        }
        const base = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        const i = this.once.findIndex((f) => !f.when || f.when(base));
        const fault = i >= 0 ? this.once.splice(i, 1)[0]!.fault : this.outage;
        const record = (answered: number | 'timeout') => this.requests.push({ ...base, answered, at: Date.now() });
        if (fault && 'timeout' in fault) {
          record('timeout'); // held until the client gives up or the peer closes
          return;
        }
        const answer = fault ? { status: fault.status, body: fault.body ?? {} } : parseError ? this.badJson() : this.handle(base);
        if ('drop' in answer) {
          record('timeout');
          req.socket.destroy();
          return;
        }
        record(answer.status);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    this.port = await listenLocal(this.server);
    return this;
  }

  protected abstract badJson(): Answer;

  /** Same as close(), for callers used to the emulator's name. */
  stop(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await closeServer(s);
  }
}
