import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './bot-process.js';

/** PostgreSQL's server binaries (Debian keeps them out of PATH). */
export function pgBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort().reverse();
  return `/usr/lib/postgresql/${versions[0]}/bin/${name}`;
}

const isRoot = process.getuid?.() === 0;
/** initdb and pg_ctl refuse to run as root: as root they run as the postgres user. */
export function asPostgres(cmd: string, args: string[]): string {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PgInstance {
  port: number;
  dir: string;
  url(db?: string): string;
  start(): void;
  stop(mode?: 'fast' | 'immediate'): void;
  destroy(): void;
}

/**
 * A PostgreSQL server of the test's own (initdb in a temp dir), which it may stop and start at will.
 * `options`: extra `-c name=value` server settings (ssl=on with its files…); `prepare` runs after initdb,
 * before the first start, with the data directory (to write certificates or pg_hba.conf).
 */
export async function createPgInstance(o: { options?: string[]; prepare?: (dir: string, data: string) => void } = {}): Promise<PgInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  if (isRoot) execFileSync('chown', ['postgres', dir]);
  asPostgres(pgBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  o.prepare?.(dir, data);
  const extra = (o.options ?? []).map((x) => ` -c ${x}`).join('');
  const inst: PgInstance = {
    port,
    dir,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start() {
      asPostgres(pgBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off${extra}`, 'start']);
    },
    stop(mode = 'fast') {
      asPostgres(pgBin('pg_ctl'), ['-D', data, '-w', '-t', '30', '-m', mode, 'stop']);
    },
    destroy() {
      try {
        inst.stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  inst.start();
  return inst;
}
