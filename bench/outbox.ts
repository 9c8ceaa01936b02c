/**
 * The outbox section of `npm run bench`: the bot as a separate OS process against the Slack emulator.
 * - declare_burst200_ack_p99_ms: 200 /incident declare sent at once; ack times as Slack would see them.
 * - outbox_lost / outbox_duplicates: 500 mixed commands (update, assign, level, declare) with 3 kill -9
 *   restarts and Slack faults (500s, 429s, answers after the client timeout) during the run. A command
 *   refused while the bot is down is re-sent after the restart, as Slack retries. Then, for every change
 *   the database accepted, its card / thread line is looked for in Slack by its metadata: missing = lost,
 *   more than one = duplicate. Acked commands a kill took before their commit are counted apart.
 */
import pg from 'pg';
import { SlackEmulator } from '../src/sandbox/emulator.js';
import type { Message } from '../src/sandbox/types.js';
import { startBotProcess, type BotProcess } from '../test/helpers/bot-process.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../test/helpers/harness.js';
import { createTestDatabase } from '../test/helpers/pg.js';
import type { Figures } from './report.js';

const BURST = 200;
const MIXED = 500;
const KILLS_AT = [125, 250, 375];
const ENV = { DR_POLICY: 'dr-policy.yml', LOG_LEVEL: 'warn', REQUEST_TAKEOVER_MS: '2000', SCHEDULER_LEASE_MS: '5000' };

const q99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? 0;
};

export async function runOutboxBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  const db = await createTestDatabase('bench_outbox');
  const sql = new pg.Client({ connectionString: db.url });
  let bot: BotProcess | undefined;
  const start = async () => {
    bot = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env: ENV });
    emulator.botEndpoint = `http://127.0.0.1:${bot.port}/slack/events`;
  };
  const send = (text: string) => emulator.slashCommand({ command: '/incident', text, user: PEOPLE.alice, channel: CHANNELS.incidents });
  try {
    await start();
    await sql.connect();
    for (let i = 0; i < 5; i++) await send(`declare L4 Warm-up ${i}`);

    // ---- 200 declares at once ----
    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => send(`declare L3 Burst ${i}`)));
    const acks = burst.map((r) => r.ms);
    const burstCards = async () => (await sql.query("SELECT count(*)::int AS n FROM incidents WHERE title LIKE 'Burst %' AND card_ts IS NOT NULL")).rows[0].n as number;
    const burstStarted = Date.now();
    while ((await burstCards()) < BURST && Date.now() - burstStarted < 60_000) await new Promise((r) => setTimeout(r, 200));
    const burstCardsMs = Date.now() - burstStarted;

    // ---- 500 mixed commands, 3 kills, Slack faults ----
    const ids = (await sql.query("SELECT id FROM incidents WHERE title LIKE 'Burst %' ORDER BY id")).rows.map((r) => r.id as number);
    let rnd = 20261130;
    const next = () => ((rnd = (rnd * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
    const plan = Array.from({ length: MIXED }, (_, i) => {
      const r = next();
      const id = pick(ids);
      if (r < 0.6) return `update INC-${id} mixed update ${i}`;
      if (r < 0.75) return `assign ${pick(['dba', 'technical_lead', 'communications_coordinator'])} <@${pick([PEOPLE.dmitri, PEOPLE.maria, PEOPLE.georgi])}> INC-${id}`;
      if (r < 0.9) return `level INC-${id} ${pick(['L3', 'L4'])}`;
      return `declare L4 Mixed declare ${i}`;
    });
    let sent = 0;
    let refused = 0;
    const retryLater: string[] = [];
    const faults = [
      () => emulator.failNext('chat.postMessage', { status: 500, count: 3 }),
      () => emulator.failNext('chat.update', { status: 429, retryAfterSec: 1 }),
      () => emulator.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }),
      () => emulator.failNext('chat.update', { status: 503, count: 3 }),
    ];
    for (let i = 0; i < MIXED; i++) {
      if (KILLS_AT.includes(i)) {
        await bot!.kill9();
        emulator.answerDelayMs = {};
        await start();
        for (const body of retryLater.splice(0)) await emulator.redeliver(body, 1);
      }
      if (i % 25 === 0) pick(faults)();
      // For a few commands, posts land in Slack but answer after the bot's 15 s Web API timeout.
      if (i % 60 === 30) emulator.answerDelayMs = { 'chat.postMessage': 16_000 };
      if (i % 60 === 35) emulator.answerDelayMs = {};
      const r = await send(plan[i]!);
      sent++;
      if (r.status !== 200) {
        refused++;
        retryLater.push(emulator.delivered.at(-1)!);
      }
    }
    for (const body of retryLater.splice(0)) await emulator.redeliver(body, 1);
    emulator.answerDelayMs = {};

    // ---- drain: every queued Slack write carried out (or dead-lettered) ----
    const drainStarted = Date.now();
    const open = async () => (await sql.query("SELECT count(*)::int AS n FROM jobs WHERE done_at IS NULL AND kind IN ('post_card', 'edit_card', 'thread_line', 'page_round')")).rows[0].n as number;
    while ((await open()) > 0 && Date.now() - drainStarted < 180_000) await new Promise((r) => setTimeout(r, 250));
    const drainMs = Date.now() - drainStarted;

    // ---- count: each accepted change in Slack once ----
    const all: Message[] = [...emulator.messages(CHANNELS.incidents)];
    for (const m of emulator.messages(CHANNELS.incidents)) if (m.thread_ts === m.ts) all.push(...emulator.thread(CHANNELS.incidents, m.ts).slice(1));
    const seen = new Map<string, number>();
    for (const m of all) {
      const md = m.metadata as { event_type?: string; event_payload?: { incident?: number; line?: string } } | undefined;
      const key = md?.event_type === 'dr_incident_card' ? `card:${md.event_payload?.incident}` : md?.event_type === 'dr_thread_line' ? `line:${md.event_payload?.line}` : undefined;
      if (key) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const expected: string[] = [
      ...(await sql.query('SELECT id FROM incidents')).rows.map((r) => `card:${r.id}`),
      ...(await sql.query("SELECT incident_id, id FROM timeline WHERE kind IN ('update', 'role_assigned', 'level_changed')")).rows.map((r) => `line:${r.incident_id}:tl${r.id}`),
    ];
    const lost = expected.filter((k) => !seen.get(k));
    const duplicates = expected.filter((k) => (seen.get(k) ?? 0) > 1);
    const updatesSent = plan.filter((p) => p.startsWith('update'));
    const recorded = new Set((await sql.query("SELECT data->>'text' AS t FROM timeline WHERE kind = 'update'")).rows.map((r) => r.t as string));
    const ackedNotRecorded = updatesSent.filter((p) => !recorded.has(p.replace(/^update INC-\d+ /, ''))).length;
    const dead = (await sql.query('SELECT kind, count(*)::int AS n FROM jobs WHERE dead_at IS NOT NULL GROUP BY kind')).rows;

    const figures: Figures = {
      declare_burst200_ack_p99_ms: q99(acks),
      declare_burst200_ack_max_ms: Math.max(...acks),
      declare_burst200_acks_over_3000ms: acks.filter((ms) => ms > 3_000).length,
      declare_burst200_errors: burst.filter((r) => r.status !== 200).length,
      declare_burst200_all_cards_ms: burstCardsMs,
      outbox_commands: sent,
      outbox_kills: KILLS_AT.length,
      outbox_refused_then_resent: refused,
      outbox_changes_checked: expected.length,
      outbox_lost: lost.length,
      outbox_duplicates: duplicates.length,
      outbox_updates_acked_not_recorded: ackedNotRecorded,
      outbox_dead_lettered: dead.reduce((n, r) => n + (r.n as number), 0),
      outbox_drain_ms: drainMs,
    };
    return { figures, details: { outbox: { lost: lost.slice(0, 20), duplicates: duplicates.slice(0, 20), dead, killsAt: KILLS_AT } } };
  } finally {
    await bot?.stop();
    await sql.end().catch(() => undefined);
    await emulator.stop();
    await db.drop();
  }
}
