/**
 * The reminder benchmark: 10,000 open incidents whose `reminder` jobs fall due evenly over 25 s, worked
 * off by the bot running as a separate OS process (`node dist/src/main.js`, compiled as in production and
 * built first when stale; the normal tick and 30 s lease) against the Slack emulator, which runs in a worker thread of this process.
 *
 * - The cards are put into the emulator's #incident-response first and the incidents are seeded with
 *   their ts, so every reminder is a real thread reply under a card Slack knows.
 * - Policy: the shipped dr-policy.yml with every level's updateEvery forced to 30m (a temp copy). Each
 *   incident is declared exactly one cadence before its due time, so it gets exactly one reminder
 *   (#1, in the thread, not escalated) in the window; the next is 30 min away.
 * - Lateness: when the emulator received the chat.postMessage minus the job's due_at (wall clock, both
 *   on this machine), first post per incident. Missing: no reminder within 20 s after the last due time.
 *   Duplicates: (incident, seq) pairs posted more than once, from the message metadata.
 * - Claim time: the bot's own drbot_scheduler_claim_seconds, the difference between a scrape just before
 *   the first due time and one after the last post (mean = sum/count; p99 interpolated in its buckets).
 * - RSS: VmHWM of /proc/<pid>/status (peak over the process's life; startup included), sampled VmRSS too.
 * - Where the CPU went (bot, its PostgreSQL backends, emulator, the rest of the machine) and the claim's
 *   plan (auto_explain of the real claimDueJobs, rolled back) are in results.json details.reminders.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { COMPILED_ENTRY, startBotProcess, type BotProcess } from '../test/helpers/bot-process.js';
import { CHANNELS, PEOPLE } from '../test/helpers/harness.js';
import { cpuAccount, histogramDelta, ownChildren, parseHistogram, procSample, scrape, watchProcess } from './bot-probe.js';
import { heapProbeOptions, heapProbeSeries } from './bot-heap-probe.js';
import { BOT_NODE, IMAGE_NODE_ARGS, IMAGE_NODE_OPTIONS } from './image.js';
import { analysePosts, histogramMs, type Posts } from './reminders-figures.js';
import { backendPids, createBenchDatabase, dbCounters, explainClaim, jobStats, seedIncidents, type BenchDatabase } from './reminders-seed.js';
import type { Figures } from './report.js';
import { startWorker, type Remote } from './workers.js';

const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) ? Number(v) : d);
/**
 * Knobs for iterating (BENCH_REMINDERS_N=1000 npm run bench -- reminders); the defaults are the benchmark.
 * BENCH_REMINDERS_TICK_MS sets the bot's SCHEDULER_TICK_MS; BENCH_REMINDERS_BOT_NODE_OPTIONS goes to the bot
 * as NODE_OPTIONS instead of the image's (bench/image.ts), BENCH_REMINDERS_BOT_NODE_ARGS are added to its node flags, BENCH_NODE is the bot's node binary; BENCH_REMINDERS_HEAP=1 adds the heap probe
 * (bot-heap-probe.ts); BENCH_REMINDERS_BOT_LOG=<file> saves the bot's output (LOG_LEVEL warn).
 */
export const REMINDER_LOAD = {
  incidents: num(process.env.BENCH_REMINDERS_N, 10_000),
  windowMs: num(process.env.BENCH_REMINDERS_WINDOW_MS, 25_000),
  /** From the end of seeding to the first due time. */
  leadMs: 2_000,
  /** After the last due time, how long reminders may still arrive before the rest count as missing. */
  graceMs: 20_000,
  /** After the last expected post: time for a double post to show up (well over one tick). */
  settleMs: 2_500,
  cadence: '30m',
  cadenceMs: 30 * 60_000,
  level: 3,
  tickMs: num(process.env.BENCH_REMINDERS_TICK_MS, 250), // the bot's default (SCHEDULER_TICK_MS)
  leaseMs: 30_000,
} as const;

const CLAIM = 'drbot_scheduler_claim_seconds';
const LATENESS = 'drbot_job_lateness_seconds';

/** The shipped policy with every level's cadence set to the benchmark's, in a temp directory. */
function writePolicy(dir: string): string {
  const src = readFileSync(new URL('../dr-policy.yml', import.meta.url), 'utf8');
  const out = src.replace(/^(\s*updateEvery:\s*)\S+/gm, `$1${REMINDER_LOAD.cadence}`);
  if (out === src && !/updateEvery:\s*30m/.test(src)) throw new Error('dr-policy.yml has no updateEvery to set');
  const file = path.join(dir, 'policy.yml');
  writeFileSync(file, out);
  return file;
}

/**
 * The section: the benchmark's window, then the bot's capacity — a second run (fresh bot and database) with
 * 5,000 reminders all due at the same moment, so its drain rate is what one process can post, not what was
 * offered. The goal compares that capacity with the window's due rate (400/s): ≥ 3×.
 */
export async function runReminderBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const main = await measureReminders(REMINDER_LOAD);
  const burst = await measureReminders({ ...REMINDER_LOAD, incidents: Math.min(5_000, REMINDER_LOAD.incidents), windowMs: 0 });
  const dueRate = ((REMINDER_LOAD.incidents - 1) * 1000) / REMINDER_LOAD.windowMs;
  const capacity = burst.figures.reminders_per_s!;
  return {
    figures: {
      ...main.figures,
      reminders_capacity_per_s: capacity,
      reminders_capacity_ratio: capacity / dueRate,
      reminder_cpu_ms_per_reminder_burst: burst.figures.reminder_cpu_ms_per_reminder!,
    },
    details: { ...main.details, capacity: { dueRatePerS: dueRate, ...burst.details } },
  };
}

async function measureReminders(L: typeof REMINDER_LOAD): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'drbench-reminders-'));
  let slack: Remote | undefined;
  let database: BenchDatabase | undefined;
  let bot: BotProcess | undefined;
  try {
    slack = startWorker(new URL('./reminders-slack.ts', import.meta.url));
    const { apiUrl } = (await slack.ready) as { apiUrl: string };
    const policy = writePolicy(tmp);
    database = await createBenchDatabase();
    const cardTs = await slack.call<string[]>('cards', { n: L.incidents });

    await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--if-stale'], { timeout: 600_000 });
    bot = await startBotProcess({
      apiUrl,
      databaseUrl: database.url,
      compiled: true,
      node: BOT_NODE,
      // BENCH_REMINDERS_BOT_NODE_ARGS: extra flags NODE_OPTIONS may not carry (--cpu-prof --cpu-prof-dir=…).
      nodeArgs: [...IMAGE_NODE_ARGS, ...(process.env.BENCH_REMINDERS_BOT_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      env: {
        DR_POLICY: policy,
        INCIDENT_CHANNEL: CHANNELS.incidents,
        LOG_LEVEL: 'warn',
        SCHEDULER_TICK_MS: String(L.tickMs),
        SCHEDULER_LEASE_MS: String(L.leaseMs),
        NODE_OPTIONS: [process.env.BENCH_REMINDERS_BOT_NODE_OPTIONS ?? IMAGE_NODE_OPTIONS, process.env.BENCH_REMINDERS_HEAP ? heapProbeOptions(tmp) : ''].join(' ').trim(),
      },
    });
    const pid = bot.child.pid!;
    const idle = procSample(pid);
    const watch = watchProcess(pid, 100);

    const seed0 = performance.now();
    const firstDueMs = Date.now() + L.leadMs;
    const due = await seedIncidents(database.db, {
      firstDueMs,
      windowMs: L.windowMs,
      n: L.incidents,
      cadenceMs: L.cadenceMs,
      level: L.level,
      channel: CHANNELS.incidents,
      declaredBy: PEOPLE.alice,
      cardTs,
    });
    const seedMs = performance.now() - seed0;
    const lastDueMs = Math.max(...due.values());
    const metricsBefore = await scrape(bot.port);
    const cpuUntilNow = cpuAccount(pid);
    const countersBefore = await dbCounters(database.db);

    // Wait for every reminder (or the deadline), then a little longer for any double post.
    const deadline = lastDueMs + L.graceMs;
    let posts = 0;
    while (Date.now() < deadline) {
      posts = (await slack.call<{ posts: number }>('progress')).posts;
      if (posts >= L.incidents) break;
      if (bot.child.exitCode !== null) throw new Error(`the bot exited with ${bot.child.exitCode}\n${bot.output().slice(-3000)}`);
      await sleep(200);
    }
    const allInAt = Date.now();
    await sleep(L.settleMs);

    const metricsAfter = await scrape(bot.port);
    const cpu = cpuUntilNow(await backendPids(database.db));
    const countersAfter = await dbCounters(database.db);
    const mem = watch.stop();
    const seen = await slack.call<Posts>('posts');
    const calls = await slack.call<{ failed: Record<string, number>; other: Record<string, number> }>('calls');

    const stopCode = await Promise.race([bot.stop(), sleep(10_000).then(() => 'timeout' as const)]);
    if (stopCode === 'timeout') await bot.kill9();
    const botLog = bot.output();
    if (process.env.BENCH_REMINDERS_BOT_LOG) writeFileSync(process.env.BENCH_REMINDERS_BOT_LOG, botLog);
    bot = undefined;

    const a = analysePosts(seen, due);
    const claim = histogramMs(histogramDelta(parseHistogram(metricsAfter, CLAIM), parseHistogram(metricsBefore, CLAIM)));
    const startLate = histogramMs(histogramDelta(parseHistogram(metricsAfter, LATENESS, 'kind="reminder"'), parseHistogram(metricsBefore, LATENESS, 'kind="reminder"')));
    const jobs = await jobStats(database.db);
    // The claim's plan on this table: with nothing due (as most ticks are), and with a backlog of half the
    // reminders due at once (every job was moved a cadence on, so "now + cadence + window/2" does that).
    const explainIdle = await explainClaim(database.url, new Date(lastDueMs + 1000));
    const explainBacklog = await explainClaim(database.url, new Date(firstDueMs + L.cadenceMs + L.windowMs / 2));

    const otherCores = (cpu.cpuMs.other + cpu.cpuMs.steal) / cpu.wallMs;
    if (otherCores > 0.25) console.error(`note: other processes (or the hypervisor) kept ${otherCores.toFixed(2)} of ${os.cpus().length} cores busy during the reminder run; its figures are noisy`);

    const figures: Figures = {
      reminder_lateness_p99_ms: a.lateness.p99,
      reminder_lateness_p50_ms: a.lateness.p50,
      reminder_claim_ms: claim.meanMs,
      reminder_claim_p99_ms: claim.p99Ms,
      reminder_duplicates: a.duplicates,
      reminders_missing: a.missing,
      reminders_rss_mb: Math.max(mem.hwmMb, mem.maxRssMb),
      // Before any reminder: what the bot costs at rest (modules loaded), for telling growth from baseline.
      reminders_rss_idle_mb: idle?.rssMb ?? NaN,
      reminders_per_s: a.perS,
      // CPU of the bot's process per reminder posted (user + system, so the syscalls of its round trips count):
      // unlike the lateness, it does not grow when other work shares the cores. Its PostgreSQL backends beside it.
      reminder_cpu_ms_per_reminder: cpu.cpuMs.bot / Math.max(1, a.posted),
      reminder_pg_cpu_ms_per_reminder: cpu.cpuMs.postgres / Math.max(1, a.posted),
      // The busiest second: above the offered rate only after a pause, when a backlog is drained.
      reminders_max_per_s: a.peakPerS,
    };
    const details = {
      load: { ...L, offeredPerS: a.offeredPerS, seedMs, policy: 'dr-policy.yml with updateEvery 30m', cards: 'put into the emulator before seeding; reminders are thread replies' },
      posts: a,
      claimPerTick: { ...claim, note: 'drbot_scheduler_claim_seconds between a scrape before the first due time and one after the last post; includes ticks that claimed nothing' },
      botStartLateness: { ...startLate, note: 'drbot_job_lateness_seconds{kind="reminder"}: due_at to handler start, as the bot sees it' },
      bot: {
        pid,
        idleRssMb: idle?.rssMb,
        maxRssMbSampled: mem.maxRssMb,
        vmHwmMb: mem.hwmMb,
        cpuMsPerReminder: cpu.cpuMs.bot / Math.max(1, a.posted),
        rssSeries: mem.series.filter((_, i) => i % 10 === 0).map((s) => ({ s: Math.round((s.t - firstDueMs) / 100) / 10, mb: Math.round(s.rssMb) })),
        stop: stopCode,
        failedJobLogLines: (botLog.match(/job failed/g) ?? []).length,
        logTail: botLog.split('\n').filter((l) => l && !l.startsWith('BENCH-HEAP')).slice(-5),
        ...(process.env.BENCH_REMINDERS_HEAP ? { heapProbe: heapProbeSeries(botLog) } : {}),
      },
      /** CPU ms per reminder by who spent it, from the first due time to the end; other = the rest of the machine. */
      cpu: {
        machineBusy: cpu.machineBusy,
        cores: os.cpus().length,
        wallMs: cpu.wallMs,
        msPerReminder: Object.fromEntries(Object.entries(cpu.cpuMs).map(([k, v]) => [k, v / Math.max(1, a.posted)])),
        busyShareOfOneCore: Object.fromEntries(Object.entries(cpu.cpuMs).map(([k, v]) => [k, v / cpu.wallMs])),
      },
      /** pg_stat_database of the bench database over the run, per reminder posted (includes the bench's own few queries). */
      dbPerReminder: Object.fromEntries(Object.entries(countersAfter).map(([k, v]) => [k, (v - countersBefore[k]!) / Math.max(1, a.posted)])),
      slackCalls: calls,
      jobs,
      explain: { idle: explainIdle, backlog: explainBacklog },
      allInAfterLastDueMs: allInAt - lastDueMs,
      elapsedMs: Date.now() - started,
    };
    return { figures, details };
  } finally {
    await bot?.kill9().catch(() => undefined);
    // A bot that never became healthy: startBotProcess threw and left no handle, but it is our child.
    for (const pid of ownChildren(COMPILED_ENTRY)) process.kill(pid, 'SIGKILL');
    await database?.drop().catch((e: unknown) => console.error(`could not drop the benchmark database: ${String(e)}`));
    await slack?.call('stop').catch(() => undefined);
    await slack?.terminate();
    rmSync(tmp, { recursive: true, force: true });
  }
}
