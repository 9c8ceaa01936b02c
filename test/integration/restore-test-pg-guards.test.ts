import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { createInfra, type Infra } from '../../src/infra/index.js';
import { restoreTestPhase, type RestoreTestState } from '../../src/runbooks/recovery/restore-test.js';
import { procedureDatabase, seedTransactions } from '../helpers/data-recovery-db.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { pgBin } from '../helpers/pg-instance.js';

// The self-managed restore test's guards, phase by phase against real PostgreSQL: never production, a
// scratch left behind is not touched, a pg_restore cut short by a restart starts over, the policy's shape.
const SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
let backups: string;
const infras: Infra[] = [];

const policyWith = (restoreTest: Record<string, unknown>) =>
  drPolicy({ targets: { database: { provider: 'postgres', primary: 'pg-primary', replicas: [{ name: 'r', connectionEnv: 'R_URL' }], connectionEnv: 'PLATFORM_DB_URL', restoreTest } } });

function phase(restoreTest: Record<string, unknown>, env: Record<string, string>, s: RestoreTestState, checkpoints: RestoreTestState[] = []) {
  const infra = createInfra({ PLATFORM_DB_URL: prod.url, PG_BIN: dirname(pgBin('pg_restore')), ...env });
  infras.push(infra);
  return restoreTestPhase({ policy: policyWith({ backupDir: backups, connectionEnv: 'RESTORE_SERVER_URL', pgBinEnv: 'PG_BIN', ...restoreTest }), infra, now: new Date(), checkpoint: async (x) => void checkpoints.push(x) }, s);
}
const dbExists = async (name: string) => {
  const c = new pg.Client({ connectionString: SERVER });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
};

beforeAll(async () => {
  prod = await procedureDatabase('drrtguard', seedTransactions({ known: 100, lost: 0, skipEvery: 10, incidentAt: new Date() }));
  backups = mkdtempSync(join(tmpdir(), 'drbot-backups-'));
  execFileSync(pgBin('pg_dump'), ['-Fc', '-f', join(backups, 'boom.dump'), prod.url]);
}, 60_000);
afterAll(async () => {
  for (const i of infras) i.close();
  await prod?.drop();
  if (backups) rmSync(backups, { recursive: true, force: true });
});

describe('self-managed restore test guards', () => {
  it('refuses a restore server that is the production database, or a scratch of production\'s name on its server', async () => {
    const same = await phase({}, { RESTORE_SERVER_URL: prod.url }, { phase: 'start' });
    expect(same).toMatchObject({ phase: 'done', ok: false, deleted: true });
    expect(same.detail).toContain('would be the production database itself (same server, same database)');
    const named = await phase({ database: prod.name }, { RESTORE_SERVER_URL: SERVER }, { phase: 'start' });
    expect(named.detail).toContain('would be the production database itself');
    expect(await prod.count('transactions')).toBe(100);
  });

  it('a scratch database that already exists is not touched', async () => {
    const s = await phase({ database: prod.name }, { RESTORE_SERVER_URL: SERVER, PLATFORM_DB_URL: 'postgres://postgres@127.0.0.1:5432/template1' }, { phase: 'start' });
    expect(s).toMatchObject({ phase: 'done', ok: false, deleted: false });
    expect(s.detail).toContain(`the scratch database ${prod.name} already exists`);
    expect(await prod.count('transactions')).toBe(100);
  });

  it('a restore interrupted by a restart starts over from an empty scratch; the third interruption gives up', async () => {
    const name = `drbot_rt_guard_${process.pid}`;
    const checkpoints: RestoreTestState[] = [];
    // What a killed pg_restore leaves: the scratch half-filled (here: a table the dump does not have).
    const c = new pg.Client({ connectionString: SERVER });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const leftover = new pg.Client({ connectionString: SERVER.replace(/\/postgres$/, `/${name}`) });
    await leftover.connect();
    await leftover.query('CREATE TABLE users (half text)');
    await leftover.end();
    const env = { RESTORE_SERVER_URL: SERVER };
    const s = await phase({ database: name }, env, { phase: 'restoring', startedAt: new Date().toISOString(), snapshot: 'boom.dump', tries: 1 }, checkpoints);
    expect(checkpoints[0]).toMatchObject({ phase: 'restoring', tries: 2 }); // the try is recorded before it starts
    expect(s).toMatchObject({ phase: 'deleting', ok: true, detail: '4 integrity checks healthy', tries: 2 });
    expect(await phase({ database: name }, env, s)).toMatchObject({ phase: 'done', deleted: true });
    expect(await dbExists(name)).toBe(false);
    expect(await phase({ database: name }, env, { phase: 'restoring', snapshot: 'boom.dump', tries: 3 })).toMatchObject({ phase: 'deleting', ok: false, detail: 'pg_restore was interrupted 3 times (the bot restarted while it ran)' });
  }, 60_000);

  it('an empty backup directory and a missing pg_restore are reported, nothing created', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'drbot-empty-'));
    try {
      const s = await phase({ backupDir: empty }, { RESTORE_SERVER_URL: SERVER }, { phase: 'start' });
      expect(s).toMatchObject({ phase: 'done', ok: false, deleted: true, detail: `${empty} has no pg_dump (custom or directory format): nothing to restore (is the backup running?)` });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const name = `drbot_rt_nobin_${process.pid}`;
    const s = await phase({ database: name }, { RESTORE_SERVER_URL: SERVER, PG_BIN: '/nonexistent' }, { phase: 'restoring', snapshot: 'boom.dump' });
    expect(s.detail).toContain('/nonexistent/pg_restore could not be started (ENOENT): set restoreTest.pgBinEnv or put pg_restore on PATH');
    expect(await phase({ database: name }, { RESTORE_SERVER_URL: SERVER }, s)).toMatchObject({ phase: 'done', deleted: true });
    expect(await dbExists(name)).toBe(false);
  });

  it('the policy: postgres needs backupDir and connectionEnv; RDS takes neither backupDir nor pgBinEnv', () => {
    expect(() => policyWith({ connectionEnv: 'X_URL' })).toThrow(/backupDir \(the directory the pg_dump files land in\)/);
    expect(() => policyWith({ backupDir: '/var/backups' })).toThrow(/needs connectionEnv \(the env variable with the restore server's URL\)/);
    expect(() => policyWith({ backupDir: 'backups', connectionEnv: 'X_URL' })).toThrow(/expected an absolute path/);
    expect(() =>
      drPolicy({ targets: { database: { provider: 'rds', primary: 'p', replicas: ['r'], restoreTest: { backupDir: '/var/backups' } } } }),
    ).toThrow(/backupDir and pgBinEnv are for provider postgres/);
  });
});
