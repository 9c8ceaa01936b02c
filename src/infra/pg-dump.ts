/**
 * Self-managed backups on disk: finding the newest pg_dump in a directory and pg_restore'ing it. Only
 * the custom format (a file starting with the PGDMP magic) and the directory format (a directory with a
 * toc.dat) are taken: pg_restore reads those; plain SQL dumps and half-copied files are left alone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface DumpFile {
  path: string;
  name: string;
  /** When it was written (its mtime): the age of the data it holds. */
  writtenAt: Date;
}

async function isCustomDump(path: string): Promise<boolean> {
  const f = await open(path, 'r');
  try {
    const b = Buffer.alloc(5);
    const { bytesRead } = await f.read(b, 0, 5, 0);
    return bytesRead === 5 && b.toString('latin1') === 'PGDMP';
  } finally {
    await f.close();
  }
}

/** The newest dump in `dir` (by mtime), undefined when there is none; a missing directory is thrown. */
export async function newestDump(dir: string): Promise<DumpFile | undefined> {
  let best: DumpFile | undefined;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    const dump = st.isDirectory() ? existsSync(join(path, 'toc.dat')) : st.isFile() && (await isCustomDump(path).catch(() => false));
    if (dump && (!best || st.mtime > best.writtenAt)) best = { path, name, writtenAt: st.mtime };
  }
  return best;
}

/**
 * `pg_restore --exit-on-error --no-owner --no-privileges` of `dump` into the database at `url`; `binDir`
 * unset: pg_restore from PATH. The password goes by PGPASSWORD, not argv (ps shows argv). `beat` runs every
 * `beatMs` while it works (the job's lease); a failing beat stops the restore.
 */
export function pgRestore(o: { dump: string; url: string; binDir?: string; beat?: () => Promise<void>; beatMs?: number }): Promise<void> {
  const u = new URL(o.url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const bin = o.binDir ? join(o.binDir, 'pg_restore') : 'pg_restore';
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--exit-on-error', '--no-owner', '--no-privileges', '-d', u.toString(), o.dump], {
      env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    let beatError: unknown;
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    const timer = o.beat
      ? setInterval(() => {
          o.beat!().catch((e: unknown) => {
            beatError = e;
            child.kill('SIGTERM');
          });
        }, o.beatMs ?? 10_000)
      : undefined;
    child.on('error', (e) => {
      clearInterval(timer);
      reject(new Error(`${bin} could not be started (${(e as NodeJS.ErrnoException).code ?? e.message}): set restoreTest.pgBinEnv or put pg_restore on PATH`));
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (beatError) reject(beatError);
      else if (code === 0) resolve();
      else reject(new Error(`pg_restore ended with ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}
