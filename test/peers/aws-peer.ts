/**
 * What the local AWS peers share (ELBv2 over the query protocol; Route 53 and CloudFront over REST-XML): the
 * server, a log of every call with whether it was SigV4-signed, errors on demand (Throttling, AccessDenied…),
 * hooks run just before a call is answered, and XML in and out.
 */
import http from 'node:http';
import { parseXml } from './xml-read.js';
import { closeServer, listenLocal, readBody } from './local-http.js';

export interface AwsCall {
  /** The operation (`CreateInvalidation`, `ModifyListener`…). */
  op: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: string;
  signed: boolean;
  status: number;
  at: number;
}

export interface AwsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: string;
}

export type AwsAnswer = { status: number; body: string; headers?: Record<string, string> };

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An object read by parseXML back to XML: arrays are repeated elements, as the REST-XML protocol writes lists. */
export function toXml(name: string, v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => toXml(name, x)).join('');
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return `<${name}>${Object.entries(v as Record<string, unknown>).filter(([k]) => k !== 'xmlns').map(([k, x]) => toXml(k, x)).join('')}</${name}>`;
  return `<${name}>${esc(String(v))}</${name}>`;
}

/** A parsed element that may be one or many. */
export const list = <T>(x: T | T[] | undefined | ''): T[] => (x === undefined || x === '' ? [] : Array.isArray(x) ? x : [x]);

export function readXml(raw: string): Record<string, any> | undefined {
  try {
    return parseXml(raw);
  } catch {
    return undefined;
  }
}

export abstract class AwsPeer {
  readonly calls: AwsCall[] = [];
  private faults: Array<{ op: string; status: number; code: string; message: string }> = [];
  private hooks: Array<{ op: string; fn: () => void }> = [];
  private lost: Array<{ op: string; status: number }> = [];
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` calls of this operation fail with this AWS error (Throttling, AccessDenied…). */
  failNext(op: string, code: string, message: string, status = 400, times = 1): void {
    for (let n = 0; n < times; n++) this.faults.push({ op, status, code, message });
  }

  /** The next call of this operation takes effect, but its answer is lost: the client sees a 5xx instead. */
  loseNextAnswer(op: string, status = 500): void {
    this.lost.push({ op, status });
  }

  /** Runs `fn` just before the next call of this operation is answered (a change made by someone else meanwhile). */
  beforeNext(op: string, fn: () => void): void {
    this.hooks.push({ op, fn });
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  /** Which operation a request is, or undefined when the service has no such route. */
  protected abstract opOf(r: AwsRequest): string | undefined;
  protected abstract handle(op: string, r: AwsRequest): AwsAnswer;
  protected abstract error(status: number, code: string, message: string): AwsAnswer;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      readBody(req, (raw) => {
        const url = new URL(req.url ?? '/', 'http://peer');
        const r: AwsRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers, raw };
        const op = this.opOf(r);
        const signed = String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=');
        let answer: AwsAnswer;
        if (!op) answer = this.error(404, 'UnknownOperation', `No operation for ${r.method} ${r.path}`);
        else if (!signed) answer = this.error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
        else {
          const hook = this.hooks.findIndex((x) => x.op === op);
          if (hook >= 0) this.hooks.splice(hook, 1)[0]!.fn();
          const f = this.faults.findIndex((x) => x.op === op);
          answer = f >= 0 ? (({ status, code, message }) => this.error(status, code, message))(this.faults.splice(f, 1)[0]!) : this.handle(op, r);
          const lost = this.lost.findIndex((x) => x.op === op);
          if (lost >= 0 && f < 0) answer = this.error(this.lost.splice(lost, 1)[0]!.status, 'InternalError', 'We encountered an internal error. Please try again.');
        }
        this.calls.push({ op: op ?? '?', method: r.method, path: r.path, query: r.query, headers: r.headers, raw, signed, status: answer.status, at: Date.now() });
        res.writeHead(answer.status, { 'content-type': 'text/xml', ...answer.headers });
        res.end(answer.body);
      });
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
