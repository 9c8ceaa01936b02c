/**
 * The local workspace's embedded PGlite, made light before the bot opens it. Measured here: a first open
 * (initdb) grows PGlite's WebAssembly memory to ~800 MB RSS that the process never gets back, and the
 * default shared_buffers (128 MB) keeps ~300 MB resident on every later start. So initdb runs in a
 * short-lived child process (its memory leaves with it), and the data directory gets
 * `shared_buffers = 4MB` through ALTER SYSTEM (postgresql.auto.conf): plenty for one team's incidents,
 * whose tables stay in the few hundred kB. Measured opening PGlite alone: 131 MB anonymous RSS at 16MB,
 * 117 MB at 8MB, 108 MB at 4MB (2MB saves nothing more); the rest is the WASM module and its 128 MB
 * minimum memory as touched. A DATABASE_URL server is never touched.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../observability/logger.js';

export const EMBEDDED_SHARED_BUFFERS = '4MB';

// Loads the build's template when given (a data directory initialised at build time: a ~2 s unpack
// instead of a ~8 s initdb), else initialises; DR_PGLITE_DUMP writes such a template instead of a directory.
const SCRIPT = `
const { PGlite } = await import(process.env.DR_PGLITE_URL);
const { readFileSync, writeFileSync } = await import('node:fs');
const template = process.env.DR_PGLITE_TEMPLATE, dump = process.env.DR_PGLITE_DUMP;
const db = await PGlite.create(dump ? undefined : process.env.DR_PGLITE_DIR, template ? { loadDataDir: new Blob([readFileSync(template)]) } : {});
await db.exec("ALTER SYSTEM SET shared_buffers = '${EMBEDDED_SHARED_BUFFERS}'");
if (dump) writeFileSync(dump, Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
await db.close();
`;

/** Where `npm run build` leaves the template: dist/, two levels above this compiled module. */
export const EMBEDDED_TEMPLATE = fileURLToPath(new URL('../../embedded-template.tar.gz', import.meta.url));

/** Whether the directory already carries this setting (an ALTER SYSTEM line in postgresql.auto.conf); an older one is re-tuned. */
function alreadyLight(dir: string): boolean {
  const auto = join(dir, 'postgresql.auto.conf');
  return existsSync(auto) && new RegExp(`^shared_buffers\\s*=\\s*'${EMBEDDED_SHARED_BUFFERS}'`, 'm').test(readFileSync(auto, 'utf8'));
}

function runScript(env: Record<string, string | undefined>, what: string): Promise<void> {
  const full = { ...process.env, DR_PGLITE_URL: pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href, ...env };
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { env: full, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}): ${err.trim().slice(-500)}`))));
  });
}

/** `npm run build`'s step: an initialised, tuned data directory as a gzipped tar, for every fresh DATA_DIR. */
export async function writeEmbeddedTemplate(path = EMBEDDED_TEMPLATE): Promise<void> {
  await runScript({ DR_PGLITE_DUMP: path }, `writing the embedded database template ${path}`);
}

/** Initialises (from the build's template when there is one) or re-tunes the embedded database in a child process. */
export async function prepareEmbeddedDatabase(dir: string, log: Logger, templatePath = EMBEDDED_TEMPLATE): Promise<'ready' | 'initialised' | 'tuned'> {
  const exists = existsSync(join(dir, 'PG_VERSION'));
  if (exists && alreadyLight(dir)) return 'ready';
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  let template = !exists && existsSync(templatePath) ? templatePath : undefined;
  const what = `preparing the embedded database in ${dir}`;
  try {
    await runScript({ DR_PGLITE_DIR: dir, DR_PGLITE_TEMPLATE: template }, what);
  } catch (err) {
    if (!template) throw err;
    // A template from another PGlite (a stale build) must not stop a start: initialise from scratch.
    log.warn({ err, template }, 'the embedded database template did not load; initialising instead');
    template = undefined;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await runScript({ DR_PGLITE_DIR: dir }, what);
  }
  const done = exists ? 'tuned' : 'initialised';
  log.info({ dataDir: dir, ms: Math.round(performance.now() - started), sharedBuffers: EMBEDDED_SHARED_BUFFERS, fromTemplate: Boolean(template) }, `embedded database ${done}`);
  return done;
}
