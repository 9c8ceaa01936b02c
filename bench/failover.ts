/**
 * Failover figures on a real primary + streaming standby (initdb, pg_basebackup -R), the primary killed first:
 * - failover_bare_promote_ms: a bare `SELECT pg_promote()` on the standby, from a connected client;
 * - failover_bot_ms: the Confirm click → the card shows the verify step ✅ (promoted, out of recovery, a
 *   write succeeded), through the real bot over signed HTTP against the Slack emulator;
 * - failover_overhead_ms: the difference (goal < 1000).
 * Medians of FAILOVER_RUNS (default 3) fresh pairs each. Runs alone with `tsx bench/failover.ts`.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { drPolicy } from '../test/helpers/dr-policy.js';
import { eventually } from '../test/helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness } from '../test/helpers/harness.js';
import { createPgPair, type PgPair } from '../test/helpers/pg-pair.js';
import { blockText } from '../test/helpers/slack-views.js';
import { printFigures, type Figures } from './report.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A pair whose primary has some data, was caught up with, and then died. */
async function failedPrimary(): Promise<PgPair> {
  const pair = await createPgPair();
  await pair.query(pair.primary.url(), 'CREATE TABLE orders AS SELECT g AS id, g * 1.5 AS total FROM generate_series(1, 10000) g');
  await pair.caughtUp();
  pair.primary.stop('immediate');
  return pair;
}

async function barePromote(): Promise<number> {
  const pair = await failedPrimary();
  const c = new pg.Client({ connectionString: pair.standby.url() });
  try {
    await c.connect();
    const t0 = performance.now();
    const r = await c.query('SELECT pg_promote() AS ok');
    const ms = performance.now() - t0;
    if (r.rows[0].ok !== true) throw new Error('pg_promote did not finish');
    return ms;
  } finally {
    await c.end();
    pair.destroy();
  }
}

async function botFailover(): Promise<{ ms: number; steps: unknown }> {
  const pair = await failedPrimary();
  const h = await startHarness({
    policy: drPolicy({
      targets: { database: { provider: 'postgres', primary: 'production-primary', replicas: [{ name: 'production-replica-1', connectionEnv: 'PG_REPLICA_1_URL' }] } },
    }),
    env: { PG_REPLICA_1_URL: pair.standby.url() },
  });
  try {
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Primary database down');
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Primary database down')));
    await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs);
    await h.run(PEOPLE.alice, '/dr', 'failover-db production-replica-1');
    const plan = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.startsWith('Action #1')), 10_000);
    const t0 = performance.now();
    await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '1', channel: CHANNELS.incidents });
    await h.emulator.waitFor(() => {
      const text = blockText(h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.ts === plan.ts)!);
      if (text.includes(':x:')) throw new Error(`the failover failed:\n${text}`);
      return text.includes(':white_check_mark: 2. Verify') ? true : undefined;
    }, 30_000);
    const ms = performance.now() - t0;
    const a = await h.bot.actions.mustGet(1);
    return { ms, steps: a.steps.map((s) => ({ id: s.id, ms: s.ms })) };
  } finally {
    await h.stop();
    pair.destroy();
  }
}

export async function runFailoverBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const runs = Math.max(1, Number(process.env.FAILOVER_RUNS ?? 3));
  const bare: number[] = [];
  const bot: number[] = [];
  const steps: unknown[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(await barePromote());
    const b = await botFailover();
    bot.push(b.ms);
    steps.push(b.steps);
  }
  const figures: Figures = {
    failover_bare_promote_ms: median(bare),
    failover_bot_ms: median(bot),
    failover_overhead_ms: median(bot) - median(bare),
  };
  return { figures, details: { runs, bareMs: bare.map(Math.round), botMs: bot.map(Math.round), botSteps: steps } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runFailoverBench();
  printFigures(r.figures);
  console.error(JSON.stringify(r.details));
}
