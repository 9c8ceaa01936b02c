/**
 * The HTTP half of the driver: POST a body to the bot, signed like Slack, and time the answer.
 * Slack gives up after 3 s; the late answer is then discarded, but the socket is tracked so
 * stop() can end it and jest does not hang.
 */
import http from 'node:http';
import { signRequest } from './signer.js';
import type { BotReply } from './types.js';

export interface SendOptions {
  url: string;
  body: string;
  signingSecret: string;
  contentType?: string;
  timestamp?: number;
  signature?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** In-flight requests, so the emulator can destroy them on stop(). */
  pending: Set<http.ClientRequest>;
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return '';
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export function sendSigned(o: SendOptions): Promise<BotReply> {
  const started = performance.now();
  const signed = signRequest(o.signingSecret, o.body, o.timestamp);
  if (o.signature !== undefined) signed['X-Slack-Signature'] = o.signature;
  const headers: Record<string, string> = {
    'Content-Type': o.contentType ?? 'application/x-www-form-urlencoded',
    'Content-Length': String(Buffer.byteLength(o.body)),
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signed,
    ...(o.headers ?? {}),
  };
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<BotReply, 'ms'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, ms: Math.round((performance.now() - started) * 10) / 10 });
    };
    // agent:false → one connection per request, nothing kept alive after the test.
    const req = http.request(o.url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        o.pending.delete(req);
        const text = Buffer.concat(chunks).toString('utf8');
        done({ status: res.statusCode ?? 0, body: parseBody(text, res.headers['content-type']) });
      });
      res.on('error', () => undefined);
    });
    o.pending.add(req);
    const timer = setTimeout(() => done({ status: 0, body: null, slackError: 'operation_timeout' }), o.timeoutMs);
    req.on('error', (e) => {
      o.pending.delete(req);
      done({ status: 0, body: null, slackError: `dispatch_failed: ${e.message}` });
    });
    req.end(o.body);
  });
}
