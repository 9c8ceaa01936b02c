/**
 * The storm section of `npm run bench`: an alert storm within Slack's rate limits. The emulator enforces
 * Slack's documented limits (sandbox/rate-limits.ts: ~1 post a second per channel with a short burst, the
 * method tiers; 429 + Retry-After past them) and the bot paces itself (SLACK_PACE=on), in one process
 * through the test harness (signed slash commands into the real Bolt app, real PostgreSQL).
 *
 * - 50 open incidents with cards in #incident-response (seeded: declaring them would itself take a
 *   minute of the channel's posts), reminders every 30 s (a temp copy of dr-policy.yml).
 * - 20 `/incident update` a second for 60 s (open loop) on 40 of them; the other 10 stay silent, so their
 *   reminders fall due (and escalate) during the storm, into the same channel.
 * - Then the storm's lines and card edits are drained (or 5 min pass); the reminders go on meanwhile.
 * Figures: storm_lost (updates whose line never reached their thread; goal 0), storm_duplicates (lines
 * posted more than once, reminders (incident, seq) twice; goal 0), storm_429s (calls Slack refused), the
 * delay from a command to its line in the thread (p50/p99), how many posts and card edits carried it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallRecord } from '../src/sandbox/emulator.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../test/helpers/harness.js';
import { percentile } from './load.js';
import { seedIncidents } from './reminders-seed.js';
import type { Figures } from './report.js';
import { threadCpuMs } from './thread-cpu.js';

const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) ? Number(v) : d);
export const STORM = {
  incidents: 50,
  silent: 10,
  ratePerS: num(process.env.BENCH_STORM_RATE, 20),
  durationMs: num(process.env.BENCH_STORM_MS, 60_000),
  cadence: '30s',
  cadenceMs: 30_000,
  drainMaxMs: 300_000,
} as const;

const TAG = /storm-(\d+)-x/g;

function writePolicy(dir: string): string {
  const src = readFileSync(new URL('../dr-policy.yml', import.meta.url), 'utf8');
  const file = path.join(dir, 'policy.yml');
  writeFileSync(file, src.replace(/^(\s*updateEvery:\s*)\S+/gm, `$1${STORM.cadence}`));
  return file;
}

/** What Slack saw: when each update's line first landed and how often, the reminders, the refusals. */
function watch(h: Harness) {
  const landed = new Map<number, { at: number; times: number }>();
  const reminders = new Map<string, number>();
  const refused: Record<string, number> = {};
  let linePosts = 0;
  let cardEdits = 0;
  const onCall = (c: CallRecord) => {
    if (c.error === 'ratelimited') refused[c.method] = (refused[c.method] ?? 0) + 1;
    if (!c.ok) return;
    if (c.method === 'chat.update') cardEdits++;
    if (c.method !== 'chat.postMessage' || c.args.channel !== CHANNELS.incidents) return;
    const md = c.args.metadata as { event_type?: string; event_payload?: { incident?: number; seq?: number } } | undefined;
    if (md?.event_type === 'dr_reminder') {
      const k = `${md.event_payload?.incident}:${md.event_payload?.seq}`;
      reminders.set(k, (reminders.get(k) ?? 0) + 1);
      return;
    }
    let any = false;
    for (const m of String(c.args.text ?? '').matchAll(TAG)) {
      any = true;
      const i = Number(m[1]);
      const seen = landed.get(i);
      if (seen) seen.times++;
      else landed.set(i, { at: Date.now(), times: 1 });
    }
    if (any) linePosts++;
  };
  h.emulator.on('call', onCall);
  return { landed, reminders, refused, stop: () => h.emulator.off('call', onCall), counts: () => ({ linePosts, cardEdits }) };
}

/** The storm's own work still queued: lines and card edits (reminders go on falling due after it). */
async function pendingWork(h: Harness): Promise<number> {
  const r = await h.bot.store.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM jobs WHERE kind IN ('thread_line', 'edit_card', 'post_card') AND done_at IS NULL AND dead_at IS NULL",
  );
  return r.rows[0]!.n;
}

export async function runStormBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const S = STORM;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'drbench-storm-'));
  let h: Harness | undefined;
  try {
    h = await startHarness({ rateLimits: true, env: { DR_POLICY: writePolicy(tmp), INCIDENT_CHANNEL: CHANNELS.incidents } });
    // The cards are put in before the limits apply: they stand for incidents declared before the storm.
    h.emulator.limitRates(false);
    const cardTs: string[] = [];
    for (let i = 1; i <= S.incidents; i++) {
      const r = await h.bot.app.client.chat.postMessage({ channel: CHANNELS.incidents, text: `Storm incident ${i}` });
      cardTs.push(r.ts!);
    }
    const due = await seedIncidents(h.bot.store.db, {
      firstDueMs: Date.now() + 5_000,
      windowMs: S.cadenceMs,
      n: S.incidents,
      cadenceMs: S.cadenceMs,
      level: 3,
      channel: CHANNELS.incidents,
      declaredBy: PEOPLE.alice,
      cardTs,
    });
    const ids = [...due.keys()].sort((a, b) => a - b);
    const updated = ids.slice(0, S.incidents - S.silent);
    h.emulator.limitRates();
    const seen = watch(h);

    // The storm: open loop, each update sent at its time whether or not the last was answered.
    const n = Math.round((S.ratePerS * S.durationMs) / 1000);
    const sentAt: number[] = [];
    const answers: Array<Promise<number>> = [];
    const cpu0 = threadCpuMs();
    const start = Date.now();
    for (let i = 0; i < n; i++) {
      const wait = start + (i * 1000) / S.ratePerS - Date.now();
      if (wait >= 1) await sleep(wait);
      sentAt[i] = Date.now();
      const inc = updated[i % updated.length]!;
      answers.push(h.run(PEOPLE.alice, '/incident', `update INC-${inc} storm-${i}-x progress`).then((r) => r.status, () => 0));
    }
    const statuses = await Promise.all(answers);
    const stormEnd = Date.now();

    // Drained: every line and card edit the storm queued is carried out, or the deadline passes.
    let drained = false;
    while (Date.now() - stormEnd < S.drainMaxMs) {
      if ((await pendingWork(h)) === 0 && seen.landed.size >= n) {
        drained = true;
        break;
      }
      await sleep(250);
    }
    const drainMs = Date.now() - stormEnd;
    await sleep(2_000); // a late double post would show up now
    const cpuMs = threadCpuMs() - cpu0;
    seen.stop();

    const delays: number[] = [];
    let lost = 0;
    let duplicates = 0;
    for (let i = 0; i < n; i++) {
      const l = seen.landed.get(i);
      if (!l) lost++;
      else {
        delays.push(l.at - sentAt[i]!);
        duplicates += l.times - 1;
      }
    }
    const reminderDuplicates = [...seen.reminders.values()].reduce((a, t) => a + t - 1, 0);
    const refusedTotal = Object.values(seen.refused).reduce((a, b) => a + b, 0);
    const dead = await h.bot.store.db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM jobs WHERE dead_at IS NOT NULL GROUP BY kind');
    const { linePosts, cardEdits } = seen.counts();
    const figures: Figures = {
      storm_lost: lost,
      storm_duplicates: duplicates + reminderDuplicates,
      storm_429s: refusedTotal,
      storm_line_delay_p50_ms: percentile(delays, 50),
      storm_line_delay_p99_ms: percentile(delays, 99),
      storm_reminders: seen.reminders.size,
      storm_line_posts: linePosts,
      storm_card_edits: cardEdits,
      storm_drain_ms: drainMs,
    };
    return {
      figures,
      details: {
        load: { ...S, updates: n, updatedIncidents: updated.length, limits: 'emulator: chat.postMessage 1/s per channel, burst 4; tiers per method; bot: SLACK_PACE=on' },
        failedCommands: statuses.filter((s) => s !== 200).length,
        drained,
        deadJobs: dead.rows,
        refusedByMethod: seen.refused,
        emulatorRefused: h.emulator.rateLimiter?.refused,
        linesPerPost: linePosts ? (n - lost) / linePosts : NaN,
        delayMaxMs: delays.reduce((m, x) => Math.max(m, x), 0),
        // The whole process (bot, emulator and the sending loop share the thread): a rough cost, not a goal.
        processCpuMsPerUpdate: cpuMs / n,
      },
    };
  } finally {
    await h?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
