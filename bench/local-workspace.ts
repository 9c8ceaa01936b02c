/**
 * The local workspace as a new user meets it, from `npm start` (a fresh DATA_DIR, no Slack variables):
 * - local_first_start_ms: spawn → the "Local workspace: <url>" line, with no data yet;
 * - local_rest_rss_mb: the bot process's resident memory after it has sat idle for LOCAL_REST_S (10) s;
 * - local_peak_rss_mb: its peak resident memory (VmHWM) over a drill driven through the page's own
 *   endpoints: declare an L1 drill, break the primary, /dr failover-db by the DBA confirmed by the
 *   commander, /dr health, a comms form, resolve, the postmortem;
 * - local_restart_ms: Ctrl-C (SIGINT to npm) and `npm start` again on the same data → the URL line.
 * Runs alone with `tsx bench/local-workspace.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PEOPLE } from '../src/sandbox/demo-workspace.js';
import { printFigures, type Figures } from './report.js';

interface Running {
  npm: ChildProcess;
  ms: number;
  url: string;
}

const REST_S = Number(process.env.LOCAL_REST_S ?? 10);

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** `npm start` in a clean environment (no Slack variables, no targets configured: the simulated estate). */
async function npmStart(dataDir: string, port: number): Promise<Running> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK_|AWS_|KUBECONFIG|PLATFORM_|API_GATEWAY_|DATABASE_URL$|NODE_OPTIONS$)/.test(k)));
  const t0 = performance.now();
  const npm = spawn('npm', ['start', '--silent'], { env: { ...env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line within 120 s:\n${out}`)), 120_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /Local workspace: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ npm, ms: performance.now() - t0, url: m[1]! });
      }
    };
    npm.stdout!.on('data', onData);
    npm.stderr!.on('data', onData);
    npm.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out}`)));
  });
}

/** The bot: npm's child (npm start execs node, so there is no shell between them). */
function botPid(npm: ChildProcess): number {
  const children = readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  if (!children[0]) throw new Error('npm start has no child process');
  return children[0];
}

function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

/** Ctrl-C as a terminal sends it to npm alone; answers how long until npm (and so the bot) exited. */
async function stop(npm: ChildProcess): Promise<number> {
  const t0 = performance.now();
  const exited = new Promise((r) => npm.once('exit', r));
  npm.kill('SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  if (npm.exitCode === null && npm.signalCode === null) throw new Error('SIGINT to npm did not stop the local workspace within 30 s');
  return Math.round(performance.now() - t0);
}

/** A drill through the page's endpoints, as the browser would send them. */
async function drill(url: string): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const r = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  const meta = (await (await fetch(new URL('/ws/meta', url))).json()) as { defaultChannel: string };
  const channel = meta.defaultChannel;
  const command = (user: string, text: string) => post('/ws/command', { user, channel, text });
  const state = async (user: string) => (await (await fetch(new URL(`/ws/state?user=${user}&channel=${channel}`, url))).json()) as { messages: Array<{ ts: string; text: string; replies: Array<{ ts: string; text: string; blocks?: unknown[] }> }> };
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    const until = Date.now() + 60_000;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error(`drill: no ${what} within 60 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await command(PEOPLE.alice, '/incident declare L1 Bench drill: primary database down --drill');
  await waitFor('incident card', async () => (await state(PEOPLE.alice)).messages.find((m) => m.text.includes('INC-1')));
  await post('/ws/break', { fault: 'primary-down' });
  await command(PEOPLE.dmitri, '/dr failover-db');
  const plan = await waitFor('plan card', async () => {
    const card = (await state(PEOPLE.alice)).messages.find((m) => m.text.includes('INC-1'));
    const reply = card?.replies.find((r) => /^Action #\d+/.test(r.text) && JSON.stringify(r.blocks ?? []).includes('dr_action_confirm'));
    return reply && { ts: reply.ts, id: /^Action #(\d+)/.exec(reply.text)![1]! };
  });
  await post('/ws/click', { user: PEOPLE.alice, channel, actionId: 'dr_action_confirm', value: plan.id, messageTs: plan.ts });
  await waitFor('verified failover', async () => {
    const card = (await state(PEOPLE.alice)).messages.find((m) => m.text.includes('INC-1'));
    return card?.replies.find((r) => r.ts === plan.ts && JSON.stringify(r.blocks ?? []).includes('available and standalone')) ? true : undefined;
  });
  await command(PEOPLE.alice, '/dr health');
  await command(PEOPLE.georgi, '/incident comms customer INC-1');
  await command(PEOPLE.alice, '/incident resolve INC-1 Promoted the replica');
  await command(PEOPLE.alice, '/incident timeline INC-1');
  await waitFor('postmortem file', async () => ((await state(PEOPLE.alice)).messages.find((m) => m.text.includes('INC-1'))?.replies.some((r) => r.text.includes('Postmortem draft')) ? true : undefined));
}

export async function runLocalWorkspaceBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dr-bench-local-'));
  const port = await freePort();
  try {
    const first = await npmStart(dataDir, port);
    const pid = botPid(first.npm);
    await new Promise((r) => setTimeout(r, REST_S * 1000));
    const rest = memoryMb(pid, 'VmRSS');
    await drill(first.url);
    const peak = memoryMb(pid, 'VmHWM');
    const afterDrill = memoryMb(pid, 'VmRSS');
    const stopAfterDrillMs = await stop(first.npm);
    const again = await npmStart(dataDir, port);
    const restartRest = memoryMb(botPid(again.npm), 'VmRSS');
    const stopAtRestMs = await stop(again.npm);
    return {
      figures: { local_first_start_ms: Math.round(first.ms), local_rest_rss_mb: rest, local_peak_rss_mb: peak, local_restart_ms: Math.round(again.ms) },
      details: { restSeconds: REST_S, stopAfterDrillMs, stopAtRestMs, rssAfterDrillMb: afterDrill, rssAfterRestartMb: restartRest, goals: { rest_rss_mb: 250, peak_rss_mb: 350, first_start_ms: 10_000, restart_ms: 3_000 } },
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runLocalWorkspaceBench();
  printFigures(r.figures);
  console.log(JSON.stringify(r.details));
}
