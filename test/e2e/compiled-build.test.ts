/**
 * The production form: `npm run build` compiles to dist/, and the compiled bot — no tsx, no TypeScript —
 * starts as its own process, in HTTP mode and in Socket Mode, and declares an incident.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { COMPILED_ENTRY, startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { APP_TOKEN, CHANNELS, PEOPLE, SECRET, seedWorkspace, TOKEN } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';

const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));

/** `lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`. */
const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { timeout: 240_000 });
}, 250_000);

describe('npm run build', () => {
  it('emits the entry, the commands, the migrations and the workspace page', () => {
    const files = jsFiles('dist');
    expect(files).toContain(COMPILED_ENTRY);
    expect(files).toContain('dist/commands/incident/declare.js');
    expect(readdirSync('dist/src/store/migrations').filter((f) => f.endsWith('.sql')).sort()).toEqual(readdirSync('src/store/migrations').filter((f) => f.endsWith('.sql')).sort());
    expect(readdirSync('dist/src/sandbox/page/static')).toContain('index.html');
  });

  it('every file the compiled code reads beside itself (new URL(…, import.meta.url)) is there in dist/', () => {
    const wanted: string[] = [];
    for (const file of jsFiles('dist')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)) wanted.push(join(dirname(file), m[1]!));
    }
    expect(wanted).toEqual(expect.arrayContaining([join('dist', 'manifest.yml'), join('dist/src/store/migrations') + '/']));
    expect(wanted.filter((p) => !existsSync(p))).toEqual([]);
  });

  it('the compiled code imports only Node built-ins and production dependencies (what npm ci --omit=dev installs)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const allowed = new Set(Object.keys(pkg.dependencies));
    const builtins = new Set(builtinModules);
    const bare = new Set<string>();
    for (const file of jsFiles('dist')) {
      if (file.startsWith('dist/src/sandbox/page/static')) continue; // browser code, served as files
      const text = readFileSync(file, 'utf8');
      // Import and export statements (tsc writes each on one line) and dynamic import() of a literal; a quoted
      // 'from' inside code (`f !== 'from'`) is not an import.
      for (const m of text.matchAll(/^\s*(?:(?:import|export)\b[^'"\n]*\bfrom\s*|import\s*)['"]([^'"\n]+)['"]|\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/gm)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        bare.add(packageOf(spec));
      }
    }
    expect([...bare].filter((p) => !allowed.has(p))).toEqual([]);
    expect(bare.has('@slack/bolt') && bare.has('pg')).toBe(true); // the scan does see the imports
    expect(bare.has('@aws-sdk/client-rds')).toBe(true); // and the SDKs loaded at first use
    expect(bare.has('tsx')).toBe(false);
  });
});

describe.each([
  ['HTTP', false],
  ['Socket Mode', true],
])('the compiled bot in %s mode', (_mode, socketMode) => {
  let emulator: SlackEmulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
    await emulator.start();
    seedWorkspace(emulator);
    if (socketMode) emulator.useSocketMode({ appToken: APP_TOKEN });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await bot?.kill9();
    await emulator.stop();
    await db.drop();
  });

  it('starts from dist/, declares an incident, and stops cleanly on SIGTERM', async () => {
    bot = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, compiled: true, env: socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : {} });
    expect(bot.child.spawnargs.slice(1)).toEqual([COMPILED_ENTRY]);
    emulator.botEndpoint = `http://127.0.0.1:${bot.port}/slack/events`;
    if (socketMode) await emulator.socketMode!.waitConnected();
    const reply = await emulator.slashCommand({ command: '/incident', text: 'declare L2 Card payments declined --services payment-processing', user: PEOPLE.alice, channel: CHANNELS.incidents });
    expect(reply.status).toBe(200);
    const card = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('Card payments declined')), 15_000);
    expect(card.text).toContain('INC-1');
    expect(await bot.stop()).toBe(0);
    expect(bot.output()).toContain(socketMode ? 'connected over Socket Mode' : 'listening on');
  }, 60_000);
});
