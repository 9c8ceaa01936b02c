/**
 * Socket Mode, as Slack speaks it (docs: "Using Socket Mode", apps.connections.open): the app asks
 * `apps.connections.open` with its app-level token (Authorization header only) for a one-use WebSocket URL,
 * connects, gets `hello`, and from then on receives envelopes — `slash_commands`, `interactive`,
 * `events_api` — that it acks by sending back `{ envelope_id, payload? }`. Slack may ask it to reconnect
 * (`disconnect`, reason `refresh_requested`) or simply lose the socket. The driver's payloads are the same
 * as over HTTP; only the transport changes, so every e2e test can run in either mode.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { readBody, sendJson } from './http-util.js';
import type { BotReply } from './types.js';

export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketModeOptions {
  appToken: string;
  appId: string;
  /** The emulator's `ws://host:port` (the URL apps.connections.open hands out points back at it). */
  baseUrl(): string;
  /** Slack pings every connection; the Socket Mode client counts a silent server as a dead link. */
  pingEveryMs?: number;
  onChange(): void;
}

const OPEN_PATH = '/api/apps.connections.open';
const LINK_PATH = '/link/';

/** The HTTP body the driver built for the request URL, as the envelope Slack sends over the socket instead. */
export function toEnvelope(body: string, headers: Record<string, string> = {}): Omit<Envelope, 'envelope_id'> {
  const retry = headers['X-Slack-Retry-Num'] ? { retry_attempt: Number(headers['X-Slack-Retry-Num']), retry_reason: headers['X-Slack-Retry-Reason'] ?? '' } : {};
  if (/^\s*\{/.test(body)) {
    // Events API callbacks are JSON over HTTP; over the socket the same object is the payload.
    return { type: 'events_api', payload: JSON.parse(body) as Record<string, unknown>, accepts_response_payload: false, retry_attempt: 0, retry_reason: '', ...retry };
  }
  const form = new URLSearchParams(body);
  const interaction = form.get('payload');
  if (interaction !== null) {
    const payload = JSON.parse(interaction) as Record<string, unknown>;
    // Only the kinds whose HTTP answer Slack reads take a response payload over the socket.
    const answers = payload.type === 'view_submission' || payload.type === 'block_suggestion';
    return { type: 'interactive', payload, accepts_response_payload: answers };
  }
  return { type: 'slash_commands', payload: Object.fromEntries(form), accepts_response_payload: true, ...retry };
}

interface Pending {
  resolve(reply: BotReply): void;
  started: number;
}

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private pinger?: NodeJS.Timeout;
  /** Every `apps.connections.open` answered with a URL, and every `hello` sent: what the tests count. */
  opened = 0;
  hellos = 0;
  readonly sent: Envelope[] = [];
  readonly acks: Array<{ envelope_id: string; payload?: unknown }> = [];

  constructor(private readonly o: SocketModeOptions) {
    this.pinger = setInterval(() => {
      for (const ws of this.sockets) if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, o.pingEveryMs ?? 5_000);
    this.pinger.unref();
  }

  get connections(): number {
    return [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  /** `apps.connections.open`; answers false for every other request. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.method !== 'POST' || !req.url?.startsWith(OPEN_PATH)) return false;
    void readBody(req).then((raw) => {
      const auth = req.headers.authorization;
      const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
      // Slack documents the header as the only place for the app token; a POST field is refused.
      if (!bearer) return sendJson(res, 200, { ok: false, error: new URLSearchParams(raw.toString('utf8')).has('token') ? 'invalid_auth' : 'not_authed' });
      if (bearer.startsWith('xoxb-') || bearer.startsWith('xoxp-')) return sendJson(res, 200, { ok: false, error: 'not_allowed_token_type' });
      if (bearer !== this.o.appToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
      const ticket = randomBytes(12).toString('hex');
      this.tickets.add(ticket);
      this.opened += 1;
      sendJson(res, 200, { ok: true, url: `${this.o.baseUrl().replace(/^http/, 'ws')}${LINK_PATH}?ticket=${ticket}&app_id=${this.o.appId}` });
    });
    return true;
  }

  /** The HTTP server's 'upgrade': a ticket from apps.connections.open opens one socket, once. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== LINK_PATH || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.onAck(data.toString());
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.o.onChange();
    });
    ws.on('error', () => undefined);
    const host = `applink-emulator-${randomBytes(3).toString('hex')}`;
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.connections, debug_info: { host, build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: this.o.appId } }));
    this.hellos += 1;
    this.o.onChange();
  }

  private onAck(text: string): void {
    let msg: { envelope_id?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return; // Slack ignores what it cannot read; the envelope then times out
    }
    if (typeof msg.envelope_id !== 'string') return;
    this.acks.push({ envelope_id: msg.envelope_id, payload: msg.payload });
    const p = this.pending.get(msg.envelope_id);
    if (!p) return; // a late or duplicate ack
    this.pending.delete(msg.envelope_id);
    // An empty payload is the socket's form of an empty 200: nothing to show, the modal closes.
    const payload = msg.payload && typeof msg.payload === 'object' && Object.keys(msg.payload).length > 0 ? msg.payload : '';
    p.resolve({ status: 200, body: payload, ms: Math.round((performance.now() - p.started) * 10) / 10 });
  }

  /**
   * Sends one envelope on an open connection (Slack picks any one of them) and resolves with the ack as an
   * HTTP-like reply; no connection or no ack in time is what the user would see as a failure.
   */
  deliver(envelope: Omit<Envelope, 'envelope_id'>, timeoutMs: number): Promise<BotReply> {
    const open = [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN);
    const ws = open[Math.floor(Math.random() * open.length)];
    if (!ws) return Promise.resolve({ status: 0, body: null, ms: 0, slackError: 'dispatch_failed: no Socket Mode connection' });
    const envelope_id = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-${randomBytes(6).toString('hex')}`;
    return new Promise<BotReply>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.pending.delete(envelope_id);
        resolve({ status: 0, body: null, ms: Math.round(performance.now() - started), slackError: 'operation_timeout' });
      }, timeoutMs);
      this.pending.set(envelope_id, {
        started,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      const full: Envelope = { envelope_id, ...envelope };
      this.sent.push(full);
      ws.send(JSON.stringify(full));
    });
  }

  /** Slack's polite reconnect: `disconnect` with a reason; the app opens a new connection and closes this one. */
  askToReconnect(reason: DisconnectReason = 'refresh_requested'): void {
    for (const ws of this.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-emulator' } }));
  }

  /** The link just dies: no close frame, the TCP connection is cut (a load balancer restart, a lost route). */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Resolves once at least `n` sockets are open (after a reconnect: once a newer `hello` than `afterHellos` went out). */
  async waitConnected(o: { n?: number; afterHellos?: number; timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (o.timeoutMs ?? 30_000);
    while (this.connections < (o.n ?? 1) || this.hellos <= (o.afterHellos ?? -1)) {
      if (Date.now() > deadline) throw new Error(`no Socket Mode connection after ${o.timeoutMs ?? 30_000} ms (open: ${this.connections}, hellos: ${this.hellos})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    clearInterval(this.pinger);
    for (const p of this.pending.values()) p.resolve({ status: 0, body: null, ms: 0, slackError: 'dispatch_failed: emulator stopped' });
    this.pending.clear();
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.wss.close();
  }
}
