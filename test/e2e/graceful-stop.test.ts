/**
 * A graceful stop (SIGTERM in main.ts → bot.stop()) in both modes: the bot stops taking requests, lets the
 * ones it has already acked finish — here a /dr health whose health URL answers only when the test says so —
 * and only then hands back its job leases and closes the pool.
 */
import http from 'node:http';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { PEOPLE, startHarness } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { closeServer, listenLocal } from '../peers/local-http.js';

/** A health endpoint that holds every request until release(). */
async function heldHealthUrl() {
  const waiting: http.ServerResponse[] = [];
  let arrived!: () => void;
  const firstRequest = new Promise<void>((r) => (arrived = r));
  const server = http.createServer((_req, res) => {
    waiting.push(res);
    arrived();
  });
  const port = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}/health`,
    firstRequest,
    release: () => waiting.splice(0).forEach((res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok')),
    close: () => closeServer(server),
  };
}

describe.each([
  ['HTTP', false],
  ['Socket Mode', true],
])('graceful stop in %s mode', (_mode, socketMode) => {
  it('waits for the acked /dr health to finish, then releases every lease', async () => {
    const health = await heldHealthUrl();
    const db = await createTestDatabase();
    const h = await startHarness({
      socketMode,
      databaseUrl: db.url,
      policy: drPolicy({ targets: { health: [{ name: 'API Gateway', url: health.url }], healthTimeout: '30s' } }),
    });
    try {
      // A lease this process holds, as if a job were in hand when the signal came.
      const owner = h.bot.scheduler!.owner;
      await h.bot.store.db.query("INSERT INTO jobs (kind, key, payload, due_at, locked_by, locked_until) VALUES ('reminder', 'graceful-stop-test', '{}'::jsonb, now() + interval '1 hour', $1, now() + interval '1 hour')", [owner]);

      const reply = await h.run(PEOPLE.alice, '/dr', 'health');
      expect(reply.status).toBe(200); // acked at once; the checks run after the ack
      await health.firstRequest;

      let stopped = false;
      const stopping = h.bot.stop().then(() => (stopped = true));
      // The stop has shut the door (the socket closed, or the port refuses) and now waits for the acked request:
      // nothing is answered yet, the pool is still open.
      const refused = () => fetch(h.emulator.botEndpoint, { method: 'POST' }).then(() => false, () => true);
      await eventually(async () => (socketMode ? h.socket!.connections === 0 : refused()));
      expect(stopped).toBe(false);
      expect(h.emulator.ephemerals({ user: PEOPLE.alice })).toHaveLength(0);

      health.release();
      await stopping;
      // The health card reached the person before the pool closed, and the lease was handed back.
      expect(h.emulator.ephemerals({ user: PEOPLE.alice }).map((e) => `${e.text} ${JSON.stringify(e.blocks ?? [])}`).join('\n')).toContain('API Gateway');
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const held = await c.query('SELECT count(*)::int AS n FROM jobs WHERE locked_by IS NOT NULL AND done_at IS NULL');
        expect(held.rows[0]).toEqual({ n: 0 });
      } finally {
        await c.end();
      }
    } finally {
      await h.emulator.stop();
      await health.close();
      await db.drop();
    }
  }, 60_000);
});
