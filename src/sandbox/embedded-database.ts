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
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../observability/logger.js';

export const EMBEDDED_SHARED_BUFFERS = '4MB';

const SCRIPT = `
const { PGlite } = await import(process.env.DR_PGLITE_URL);
const db = await PGlite.create(process.env.DR_PGLITE_DIR);
await db.exec("ALTER SYSTEM SET shared_buffers = '${EMBEDDED_SHARED_BUFFERS}'");
await db.close();
`;

/** Whether the directory already carries this setting (an ALTER SYSTEM line in postgresql.auto.conf); an older one is re-tuned. */
function alreadyLight(dir: string): boolean {
  const auto = join(dir, 'postgresql.auto.conf');
  return existsSync(auto) && new RegExp(`^shared_buffers\\s*=\\s*'${EMBEDDED_SHARED_BUFFERS}'`, 'm').test(readFileSync(auto, 'utf8'));
}

/** Initialises (or re-tunes) the embedded database in a child process; answers what it did. */
export async function prepareEmbeddedDatabase(dir: string, log: Logger): Promise<'ready' | 'initialised' | 'tuned'> {
  const exists = existsSync(join(dir, 'PG_VERSION'));
  if (exists && alreadyLight(dir)) return 'ready';
  await mkdir(dir, { recursive: true });
  const started = performance.now();
  const env = { ...process.env, DR_PGLITE_URL: pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href, DR_PGLITE_DIR: dir };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`preparing the embedded database in ${dir} failed (exit ${code}): ${err.trim().slice(-500)}`))));
  });
  const what = exists ? 'tuned' : 'initialised';
  log.info({ dataDir: dir, ms: Math.round(performance.now() - started), sharedBuffers: EMBEDDED_SHARED_BUFFERS }, `embedded database ${what}`);
  return what;
}
