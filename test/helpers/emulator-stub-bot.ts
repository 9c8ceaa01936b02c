/**
 * A stand-in bot for the emulator's own tests: a bare HTTP server that verifies Slack signatures with
 * the sandbox signer, records what it got and answers however the test says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifySignature, type VerifyResult } from '../../src/sandbox/signer.js';

export interface Received {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** Form fields (slash commands). */
  form: Record<string, string>;
  /** The parsed `payload` field of interactions, if any. */
  payload?: any;
  verify: VerifyResult;
}

export interface Answer {
  status?: number;
  body?: unknown; // object → JSON, string → text, undefined → empty
  delayMs?: number;
}

export type Handler = (r: Received) => Answer | undefined | Promise<Answer | undefined>;

export interface StubBot {
  url: string;
  received: Received[];
  /** Errors thrown by the handler; tests assert this stays empty. */
  errors: unknown[];
  handler: Handler;
  close(): Promise<void>;
}

export async function startStubBot(signingSecret: string): Promise<StubBot> {
  const bot: StubBot = { url: '', received: [], errors: [], handler: () => undefined, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const verify = verifySignature({
          signingSecret,
          rawBody,
          timestamp: req.headers['x-slack-request-timestamp'] as string | undefined,
          signature: req.headers['x-slack-signature'] as string | undefined,
        });
        const form = Object.fromEntries(new URLSearchParams(rawBody));
        const r: Received = { headers: req.headers, rawBody, form, payload: form.payload ? JSON.parse(form.payload) : undefined, verify };
        bot.received.push(r);
        if (!verify.ok) {
          res.writeHead(401).end(verify.reason);
          return;
        }
        let a: Answer;
        try {
          a = (await bot.handler(r)) ?? {};
        } catch (e) {
          // A failing expectation inside the handler must fail the test, not crash the server.
          bot.errors.push(e);
          a = { status: 500, body: String(e) };
        }
        if (a.delayMs) await sleep(a.delayMs);
        if (res.destroyed) return;
        const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
        const type = typeof a.body === 'object' ? 'application/json' : 'text/plain';
        res.writeHead(a.status ?? 200, { 'Content-Type': type }).end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  bot.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  bot.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return bot;
}
