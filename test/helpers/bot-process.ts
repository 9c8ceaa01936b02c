import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { SECRET, TOKEN } from './harness.js';

export interface BotProcess {
  child: ChildProcess;
  port: number;
  /** performance.now() when the process was spawned and when /healthz first answered 200. */
  spawnedAt: number;
  healthyAt: number;
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies mid-whatever, like a node lost. */
  kill9(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** The compiled entry `npm start` and the image run (`npm run build` makes it). */
export const COMPILED_ENTRY = 'dist/src/main.js';

/**
 * The bot as a separate OS process, in HTTP mode against the emulator (Socket Mode when `env` has
 * SLACK_APP_TOKEN): from source through tsx by default, or `compiled` — dist/, as in production.
 */
export async function startBotProcess(o: { apiUrl: string; databaseUrl: string; env?: Record<string, string>; compiled?: boolean; node?: string; nodeArgs?: string[]; healthPollMs?: number }): Promise<BotProcess> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(o.node ?? process.execPath, [...(o.nodeArgs ?? []), ...(o.compiled ? [COMPILED_ENTRY] : ['--import', 'tsx', 'src/main.ts'])], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: o.apiUrl,
      DATABASE_URL: o.databaseUrl,
      PORT: String(port),
      LOG_LEVEL: process.env.TEST_LOG ?? 'info',
      // The emulator enforces no rate limits unless asked; the bot need not pace itself (o.env may say on).
      SLACK_PACE: 'off',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const bot: BotProcess = {
    child,
    port,
    spawnedAt,
    healthyAt: NaN,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
  await waitHealthy(port, 30_000, () => out, o.healthPollMs);
  bot.healthyAt = performance.now();
  return bot;
}

export async function waitHealthy(port: number, timeoutMs: number, output: () => string = () => '', pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`bot on :${port} not healthy after ${timeoutMs} ms\n${output()}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
