import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { procedureDatabase, seedTransactions } from '../helpers/data-recovery-db.js';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { pgBin } from '../helpers/pg-instance.js';

// The scheduled restore test on self-managed PostgreSQL: the newest pg_dump (custom format) in the backup
// directory is pg_restore'd into a scratch database on the restore server (the local PostgreSQL), checked
// with the integrity SQL, timed and dropped; a report in #general; a failed check opens an L3 for the DBA team.
const HOUR = 3_600_000;
const SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const scratchName = `drbot_rt_scratch_${process.pid}`;
let h: Harness;
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
let backups: string;
const d = actionDriver(() => h);

/** pg_dump -Fc of production into the backup directory, its mtime `ageMs` ago. */
function dump(name: string, ageMs: number): void {
  const file = join(backups, name);
  execFileSync(pgBin('pg_dump'), ['-Fc', '-f', file, prod.url]);
  const t = new Date(Date.now() - ageMs);
  utimesSync(file, t, t);
}

async function sqlOn(url: string, text: string, params: unknown[] = []): Promise<any[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}
const scratchExists = async () => (await sqlOn(SERVER, 'SELECT 1 FROM pg_database WHERE datname = $1', [scratchName])).length === 1;
const reports = () => h.emulator.messages(CHANNELS.general).filter((m) => m.text.includes('Restore test'));
const schedule = async () => (await h.bot.store.db.query<{ due_at: Date }>(`SELECT due_at FROM jobs WHERE kind = 'restore_test' AND key = 'schedule' AND done_at IS NULL`)).rows;

beforeAll(async () => {
  prod = await procedureDatabase('drrtprod', seedTransactions({ known: 1_000, lost: 0, skipEvery: 10, incidentAt: new Date() }));
  backups = mkdtempSync(join(tmpdir(), 'drbot-backups-'));
  dump('boom-2026-01-14.dump', 30 * HOUR);
  dump('boom-2026-01-15.dump', 2 * HOUR);
  writeFileSync(join(backups, 'notes.txt'), 'not a dump'); // newer, but not a pg_dump: skipped
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'postgres', primary: 'pg-primary', replicas: [{ name: 'pg-replica', connectionEnv: 'PG_REPLICA_URL' }], connectionEnv: 'PLATFORM_DB_URL',
          restoreTest: { every: '7d', backupDir: backups, connectionEnv: 'RESTORE_SERVER_URL', database: scratchName, pgBinEnv: 'PG_BIN', channel: CHANNELS.general },
        },
      },
    }),
    env: { PLATFORM_DB_URL: prod.url, PG_REPLICA_URL: prod.url, RESTORE_SERVER_URL: SERVER, PG_BIN: dirname(pgBin('pg_restore')) },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await sqlOn(SERVER, `DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`).catch(() => undefined);
  await prod?.drop();
  if (backups) rmSync(backups, { recursive: true, force: true });
});

describe('the scheduled restore test, self-managed PostgreSQL', () => {
  it('/dr verify-backup --restore-test: newest pg_dump → scratch database → integrity SQL → dropped → report', async () => {
    expect(await d.answer(PEOPLE.georgi, 'verify-backup --restore-test')).toContain('can use `/dr verify-backup`');
    expect(await d.answer(PEOPLE.dmitri, 'verify-backup --restore-test')).toContain(`Restore test started: the newest pg_dump in ${backups} goes into the scratch database ${scratchName}`);
    const report = await h.emulator.waitFor(() => reports()[0], 60_000);
    expect(report.text).toMatch(new RegExp(`^:white_check_mark: \\*Restore test passed\\*: backup boom-2026-01-15.dump · data age 2.0 h · restored in [\\d.]+ s · 4 integrity checks healthy · scratch database ${scratchName} dropped$`));
    expect(await scratchExists()).toBe(false);
    const rows = (await h.bot.store.db.query<Record<string, any>>('SELECT ok, snapshot, restore_ms, data_age_ms, incident_id FROM restore_tests')).rows;
    expect(rows).toEqual([expect.objectContaining({ ok: true, snapshot: 'boom-2026-01-15.dump', incident_id: null })]);
    expect(Number(rows[0]!.restore_ms)).toBeGreaterThan(0);
    expect(Math.abs(Number(rows[0]!.data_age_ms) - 2 * HOUR)).toBeLessThan(5 * 60_000);
  }, 90_000);

  it('on its schedule: an orphaned QR code in the newest dump fails the integrity SQL, the scratch is still dropped, an L3 opens for the DBA team, and the next run is a week on', async () => {
    await prod.sql(`INSERT INTO qr_codes VALUES (99999, 99999, 'QR-ORPHAN')`);
    dump('boom-2026-01-16.dump', 60_000);
    const [before] = await schedule();
    // The weekly row comes due (as a week passing would make it); the bot's own ticker picks it up.
    await h.bot.store.db.query(`UPDATE jobs SET due_at = now() WHERE kind = 'restore_test' AND key = 'schedule' AND done_at IS NULL`);
    const report = await h.emulator.waitFor(() => reports()[1], 60_000);
    expect(report.text).toContain(':x: *Restore test FAILED*: backup boom-2026-01-16.dump');
    expect(report.text).toContain('1 of 4 integrity checks unhealthy: QR codes without a partner: 1 QR codes whose partner does not exist (limit 0)');
    expect(report.text).toContain(`scratch database ${scratchName} dropped · INC-1 opened for the DBA team`);
    expect(await scratchExists()).toBe(false);
    const inc = await eventually(async () => h.bot.store.incidents.get(1), 10_000);
    expect(inc).toMatchObject({ level: 3, title: 'Restore test failed (boom-2026-01-16.dump)' });
    const after = await eventually(async () => {
      const rows = await schedule();
      return rows.length === 1 && rows[0]!.due_at.getTime() > Date.now() + 6 * 24 * HOUR ? rows : undefined;
    }, 10_000);
    expect(after[0]!.due_at.getTime()).toBeGreaterThan(before!.due_at.getTime());
    expect((await h.bot.store.db.query('SELECT 1 FROM restore_tests')).rowCount).toBe(2); // one run, once
  }, 90_000);
});
