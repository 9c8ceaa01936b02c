/**
 * Server-sent events for the page: the emulator emits 'change' on every state change (several per bot
 * action: the Web API call, the message, the edit...), so changes are coalesced and the browser is only
 * told "something changed, revision n"; it refetches the state it shows.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';

const DEBOUNCE_MS = 40;
const HEARTBEAT_MS = 15_000;

export class ChangeStream {
  private readonly clients = new Set<ServerResponse>();
  private timer?: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  revision = 0;

  constructor(private readonly source: EventEmitter) {
    source.on('change', this.onChange);
    // Proxies and browsers drop an idle stream; a comment line every 15 s keeps it open.
    this.heartbeat = setInterval(() => this.broadcast(': ping\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private readonly onChange = (): void => {
    this.revision += 1;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.broadcast(`event: change\ndata: ${this.revision}\n\n`);
    }, DEBOUNCE_MS);
  };

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 1000\nevent: change\ndata: ${this.revision}\n\n`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  private broadcast(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }

  close(): void {
    this.source.off('change', this.onChange);
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
