import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';

let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  db = await createTestDatabase('replicas');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await emulator.stop();
  await db.drop();
});

function startBot(port: number): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, NODE_OPTIONS: '', SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: emulator.apiUrl, DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  children.push(child);
  return { child, output: () => out };
}

async function healthy(port: number, deadline: number): Promise<{ status: number; body: unknown }> {
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      return { status: r.status, body: await r.json() };
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('two bot processes started together on an empty database', () => {
  it('both come up, the schema is migrated once, and SIGTERM stops each cleanly', async () => {
    const ports = [31_000 + (process.pid % 1000) * 2, 31_001 + (process.pid % 1000) * 2];
    const bots = ports.map(startBot);
    const deadline = Date.now() + 30_000;
    const health = await Promise.all(ports.map((p) => healthy(p, deadline)));
    for (const [i, hres] of health.entries()) expect({ i, ...hres }).toEqual({ i, status: 200, body: { ok: true, database: 'up' } });

    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const migrations = await c.query('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version');
    await c.end();
    expect(migrations.rows.every((r) => r.n === 1)).toBe(true);
    expect(migrations.rows.length).toBeGreaterThan(0);

    for (const b of bots) {
      b.child.kill('SIGTERM');
      const [code] = await once(b.child, 'exit');
      expect({ code, output: code === 0 ? '' : b.output() }).toEqual({ code: 0, output: '' });
    }
  }, 60_000);
});
