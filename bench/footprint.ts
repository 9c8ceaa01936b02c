/**
 * The production form's footprint: the compiled bot (`node dist/src/main.js`, built first when stale) as
 * its own OS process in HTTP mode, against the local PostgreSQL and the Slack emulator (in this process),
 * with the image's settings (its NODE_OPTIONS and its CMD's node flags), on BENCH_NODE (bench/image.ts;
 * BENCH_NODE_OPTIONS replaces the image's NODE_OPTIONS).
 *
 * - cold_start_ms: spawn → first GET /healthz 200 (polled every 10 ms), median of BENCH_COLD_STARTS (5)
 *   starts against an already-migrated database — a pod restart (cold_start_min_ms: the fastest); the very
 *   first start, which also runs the migrations, is cold_start_first_ms. On a shared machine the wall
 *   time mostly measures the neighbours, so cold_start_cpu_ms is the CPU time (user + system) the process
 *   used until healthy. cold_start_tsx_*: the same from source through tsx, how the bot used to start.
 * - rest_rss_mb: VmRSS after 100 declares (L3, one card each) and BENCH_IDLE_MS of idling (default 120000,
 *   the 2 minutes of the goal; a shorter idle is for iterating and says so in results.json).
 * - image_size_mb: `docker build` + `docker image inspect`, when a Docker daemon answers; otherwise a line
 *   saying there is none.
 */
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SlackEmulator } from '../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../test/helpers/bot-process.js';
import { CHANNELS, PEOPLE, SECRET, seedWorkspace, TOKEN } from '../test/helpers/harness.js';
import { createTestDatabase } from '../test/helpers/pg.js';
import { procSample } from './bot-probe.js';
import { BOT_NODE, IMAGE_NODE_ARGS, IMAGE_NODE_OPTIONS } from './image.js';
import type { Figures } from './report.js';

const run = promisify(execFile);
const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) ? Number(v) : d);
const IDLE_MS = num(process.env.BENCH_IDLE_MS, 120_000);
const COLD_STARTS = num(process.env.BENCH_COLD_STARTS, 5);
const DECLARES = 100;
/** As the Dockerfile sets them. */
const IMAGE_ENV = { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? IMAGE_NODE_OPTIONS, LOG_LEVEL: 'warn', INCIDENT_CHANNEL: CHANNELS.incidents };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Wall time spawn → healthy, and the CPU time the process used for it (less at the mercy of a busy machine). */
async function coldStart(o: { apiUrl: string; databaseUrl: string; compiled: boolean }): Promise<{ ms: number; cpuMs: number }> {
  const bot = await startBotProcess({ ...o, node: BOT_NODE, nodeArgs: IMAGE_NODE_ARGS, env: IMAGE_ENV, healthPollMs: 10 });
  const ms = bot.healthyAt - bot.spawnedAt;
  const cpuMs = procSample(bot.child.pid!)?.cpuMs ?? NaN;
  await bot.stop();
  return { ms, cpuMs };
}

async function imageSize(): Promise<{ mb?: number; note: string }> {
  try {
    await run('docker', ['info'], { timeout: 10_000 });
  } catch {
    return { note: 'no Docker daemon here (docker info failed), image not built' };
  }
  const tag = 'drbot-bench:latest';
  await run('docker', ['build', '-q', '-t', tag, '.'], { timeout: 900_000, maxBuffer: 16 << 20 });
  const { stdout } = await run('docker', ['image', 'inspect', '-f', '{{.Size}}', tag]);
  return { mb: Number(stdout.trim()) / 1048576, note: `docker image ${tag}` };
}

export async function runFootprintBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  await run(process.execPath, ['scripts/build.mjs', '--if-stale'], { timeout: 600_000 });
  const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  const db = await createTestDatabase('drbench');
  let bot: BotProcess | undefined;
  try {
    const base = { apiUrl: emulator.apiUrl, databaseUrl: db.url };
    const first = await coldStart({ ...base, compiled: true });
    const compiled: Array<{ ms: number; cpuMs: number }> = [];
    for (let i = 0; i < COLD_STARTS; i++) compiled.push(await coldStart({ ...base, compiled: true }));
    const tsx: Array<{ ms: number; cpuMs: number }> = [];
    for (let i = 0; i < Math.min(3, COLD_STARTS); i++) tsx.push(await coldStart({ ...base, compiled: false }));

    bot = await startBotProcess({ ...base, compiled: true, node: BOT_NODE, nodeArgs: IMAGE_NODE_ARGS, env: IMAGE_ENV });
    emulator.botEndpoint = `http://127.0.0.1:${bot.port}/slack/events`;
    const started = procSample(bot.child.pid!);
    for (let i = 1; i <= DECLARES; i++) {
      const r = await emulator.slashCommand({ command: '/incident', text: `declare L3 Footprint incident ${i}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
      if (r.status !== 200) throw new Error(`declare ${i} failed: ${r.status} ${r.slackError ?? ''}`);
    }
    await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).filter((m) => m.text.includes('Footprint incident')).length >= DECLARES, 120_000);
    const afterDeclares = procSample(bot.child.pid!);
    let idleMax = 0;
    const idleStart = Date.now();
    while (Date.now() - idleStart < IDLE_MS) {
      await sleep(Math.min(1_000, IDLE_MS));
      idleMax = Math.max(idleMax, procSample(bot.child.pid!)?.rssMb ?? 0);
    }
    const rest = procSample(bot.child.pid!)!;
    const image = await imageSize().catch((e: unknown) => ({ mb: undefined, note: `docker build failed: ${String(e).slice(0, 300)}` }));
    const figures: Figures = {
      rest_rss_mb: rest.rssMb,
      cold_start_ms: median(compiled.map((c) => c.ms)),
      cold_start_min_ms: Math.min(...compiled.map((c) => c.ms)),
      cold_start_cpu_ms: median(compiled.map((c) => c.cpuMs)),
      cold_start_first_ms: first.ms,
      cold_start_tsx_ms: median(tsx.map((c) => c.ms)),
      cold_start_tsx_cpu_ms: median(tsx.map((c) => c.cpuMs)),
      ...(image.mb !== undefined ? { image_size_mb: image.mb } : {}),
    };
    if (image.mb === undefined) console.log(`image_size_mb: not measured — ${image.note}`);
    return {
      figures,
      details: {
        node: (await run(BOT_NODE, ['--version'])).stdout.trim(),
        heap: IMAGE_ENV.NODE_OPTIONS,
        nodeArgs: IMAGE_NODE_ARGS,
        idleMs: IDLE_MS,
        idleShortened: IDLE_MS < 120_000,
        rssMb: { healthy: started?.rssMb, after100Declares: afterDeclares?.rssMb, idleMax, rest: rest.rssMb, peakHwm: rest.hwmMb },
        coldStart: { compiled, tsx, firstWithMigrations: first },
        image,
      },
    };
  } finally {
    await bot?.stop().catch(() => undefined);
    await emulator.stop();
    await db.drop();
  }
}
