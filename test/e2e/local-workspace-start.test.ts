/**
 * `npm start`'s entry with no Slack and no database variables: the page, the bot answering through it,
 * live events, and the data (incidents in PGlite, messages beside them) still there after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Started {
  child: ChildProcess;
  url: string;
  /** What the process printed as its ready time, and what we measured from spawn to that line. */
  printedMs: number;
  wallMs: number;
  output: () => string;
}

let dir: string;
let port: number;
let running: Started | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** The environment of a fresh machine: none of Slack's or the database's variables, no NODE_OPTIONS. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SLACK_|DATABASE_URL$|NODE_OPTIONS$|DR_)/.test(k)) env[k] = v;
  return { ...env, DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn' };
}

function start(): Promise<Started> {
  const began = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Local workspace:" line within 60 s; output:\n${out}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /Local workspace: (http:\/\/localhost:\d+\/).*ready in ([\d.]+) s/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, url: m[1]!, printedMs: Number(m[2]) * 1000, wallMs: Math.round(performance.now() - began), output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${out}`));
    });
  });
}

function stop(s: Started): Promise<number | null> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve(s.child.exitCode);
    s.child.removeAllListeners('exit');
    s.child.once('exit', (code) => resolve(code));
    s.child.kill('SIGTERM');
  });
}

const post = (path: string, body: unknown) =>
  fetch(new URL(path, running!.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
const state = async (user = 'U0IC00001') => (await (await fetch(new URL(`/ws/state?user=${user}`, running!.url))).json()) as any;
const cardText = (m: any) => JSON.stringify(m.blocks ?? []);

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dr-start-'));
  port = await freePort();
});

afterAll(async () => {
  if (running) await stop(running);
  await rm(dir, { recursive: true, force: true });
});

describe('npm start with no Slack and no database', () => {
  it('serves the page and its files on localhost and 127.0.0.1, and the bot\'s health', async () => {
    running = await start();
    expect(running.url).toBe(`http://localhost:${port}/`);
    expect(running.output()).toContain('nothing here reaches Slack');
    for (const base of [running.url, `http://127.0.0.1:${port}/`]) {
      const page = await fetch(base);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('Nothing here reaches Slack');
    }
    const js = await fetch(new URL('/static/app.js', running.url));
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(new URL('/static/style.css', running.url))).headers.get('content-type')).toContain('text/css');
    expect((await fetch(new URL('/static/../local-workspace.ts', running.url))).status).toBe(404);
    const health = await fetch(new URL('/healthz', running.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, database: 'up' });
  });

  it('refuses other sites: a non-JSON POST, a foreign Origin, a foreign Host', async () => {
    const text = await fetch(new URL('/ws/command', running!.url), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(403);
    const origin = await fetch(new URL('/ws/command', running!.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' });
    expect(origin.status).toBe(403);
    const host = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/ws/meta', headers: { host: 'evil.example' } }, (r) => (r.resume(), resolve(r.statusCode!))).on('error', reject);
    });
    expect(host).toBe(403);
  });

  it('runs /incident declare through the page API; the card shows in the state and a live event is sent', async () => {
    const events = await new Promise<http.IncomingMessage>((resolve) => http.get(new URL('/ws/events', running!.url), resolve));
    let seen = '';
    events.on('data', (c: Buffer) => (seen += c.toString()));
    const r = await post('/ws/command', { user: 'U0IC00001', channel: 'C0INCIDENT', text: '/incident declare L3 Analytics engine lagging' });
    expect(r).toMatchObject({ status: 200, body: { ok: true, status: 200 } });
    await until(async () => (await state()).messages.find((m: any) => cardText(m).includes('INC-1 · L3 Medium · Analytics engine lagging')), 'the card');
    await until(async () => (seen.match(/event: change/g) ?? []).length >= 2 || undefined, 'a change event after the command');
    events.destroy();
    const unknown = await post('/ws/command', { user: 'U0IC00001', channel: 'C0INCIDENT', text: '/deploy now' });
    expect(unknown).toMatchObject({ status: 400, body: { error: expect.stringContaining('/deploy is not a valid command') } });
  });

  it('keeps the incident and its card across a restart, and is ready quickly with existing data', async () => {
    expect(await stop(running!)).toBe(0);
    running = await start();
    // eslint-disable-next-line no-console
    console.log(`local workspace restart: ready in ${running.printedMs} ms (printed), ${running.wallMs} ms from spawn to the URL line`);
    expect(running.printedMs).toBeLessThan(10_000);
    expect(running.wallMs).toBeLessThan(15_000);

    const card = (await state()).messages.find((m: any) => cardText(m).includes('INC-1'));
    expect(card).toBeDefined();
    await post('/ws/command', { user: 'U0IC00001', channel: 'C0INCIDENT', text: '/incident list' });
    const listed = await until(async () => (await state()).ephemerals.find((e: any) => e.text.includes('INC-1')), 'INC-1 in /incident list');
    expect(listed.text).toContain('Analytics engine lagging');
    // The restored card is still the bot's to edit.
    await post('/ws/command', { user: 'U0DBA0001', channel: 'C0INCIDENT', text: '/incident update INC-1 Workers restarted --status monitoring' });
    await until(async () => (await state()).messages.find((m: any) => m.ts === card.ts && cardText(m).includes('Monitoring')), 'the restored card edited');
    expect(await stop(running!)).toBe(0);
    running = undefined;
  });
});
