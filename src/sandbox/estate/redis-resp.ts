/**
 * The simulated estate's cache, in-process, speaking Redis' RESP protocol over TCP: what the bot's
 * ioredis adapter sends (PING, SELECT, DBSIZE, FLUSHDB, INFO, QUIT) and answers as Redis does. Traffic is
 * simulated from the clock: ~200 lookups a second, hitting 97% of the time, or 40% while the cache is
 * corrupted (the drill's "corrupted cache"); FLUSHDB of database 0 clears the corruption, and the keys
 * refill over the next minute.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

const LOOKUPS_PER_SECOND = 200;
const HEALTHY_HIT_RATE = 0.97;
const CORRUPTED_HIT_RATE = 0.4;
const FULL_KEYS = 12_480;

export class RedisResp {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;
  /** Hits and misses counted up to `since`; what happened after is computed from the rate in force. */
  private hits = 0;
  private misses = 0;
  private since = Date.now();
  private flushedAt = 0;
  corrupted = false;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private settle(): void {
    const lookups = ((Date.now() - this.since) / 1000) * LOOKUPS_PER_SECOND;
    const rate = this.corrupted ? CORRUPTED_HIT_RATE : HEALTHY_HIT_RATE;
    this.hits += Math.round(lookups * rate);
    this.misses += Math.round(lookups * (1 - rate));
    this.since = Date.now();
  }

  /**
   * A change of behaviour starts the stats afresh (as `CONFIG RESETSTAT` would): INFO's counters are
   * cumulative, and the checklist's hit rate should speak of the cache as it is now.
   */
  setCorrupted(on: boolean): void {
    Object.assign(this, { hits: 0, misses: 0, since: Date.now(), corrupted: on });
  }

  /** Keys in db 0: full, except for a minute after a flush while it refills. */
  private keys(db: number): number {
    if (db !== 0) return 0;
    const refill = Math.min(1, (Date.now() - this.flushedAt) / 60_000);
    return Math.round(FULL_KEYS * refill);
  }

  private answer(args: string[], conn: { db: number }): string {
    const cmd = (args[0] ?? '').toUpperCase();
    switch (cmd) {
      case 'PING':
        return args[1] === undefined ? '+PONG\r\n' : bulk(args[1]);
      case 'SELECT': {
        const db = Number(args[1]);
        if (!Number.isInteger(db) || db < 0 || db > 15) return '-ERR DB index is out of range\r\n';
        conn.db = db;
        return '+OK\r\n';
      }
      case 'DBSIZE':
        return `:${this.keys(conn.db)}\r\n`;
      case 'FLUSHDB':
        if (conn.db === 0) {
          this.setCorrupted(false);
          this.flushedAt = Date.now();
        }
        return '+OK\r\n';
      case 'INFO': {
        this.settle();
        return bulk(`# Server\r\nredis_version:7.2.0-sim\r\nredis_mode:standalone\r\n\r\n# Stats\r\nkeyspace_hits:${this.hits}\r\nkeyspace_misses:${this.misses}\r\n\r\n# Keyspace\r\ndb0:keys=${this.keys(0)},expires=0\r\n`);
      }
      case 'CLIENT':
        return '+OK\r\n';
      case 'QUIT':
        return '+OK\r\n';
      default:
        return `-ERR unknown command '${cmd.toLowerCase()}', with args beginning with: \r\n`;
    }
  }

  async start(): Promise<this> {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const conn = { db: 0 };
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (;;) {
          const parsed = parseCommand(buffered);
          if (!parsed) break;
          buffered = buffered.subarray(parsed.used);
          socket.write(this.answer(parsed.args, conn));
          if (parsed.args[0]?.toUpperCase() === 'QUIT') socket.end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

/** One RESP array of bulk strings (what clients send), or an inline command; undefined until it is complete. */
export function parseCommand(buf: Buffer): { args: string[]; used: number } | undefined {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return undefined;
  if (buf[0] !== 0x2a /* '*' */) return { args: buf.subarray(0, eol).toString().trim().split(/\s+/), used: eol + 2 };
  const count = Number(buf.subarray(1, eol).toString());
  let at = eol + 2;
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0 || buf[at] !== 0x24 /* '$' */) return undefined;
    const len = Number(buf.subarray(at + 1, lineEnd).toString());
    const start = lineEnd + 2;
    if (buf.length < start + len + 2) return undefined;
    args.push(buf.subarray(start, start + len).toString());
    at = start + len + 2;
  }
  return { args, used: at };
}
