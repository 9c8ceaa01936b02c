import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRestoreTests } from '../../src/runbooks/recovery/restore-test-jobs.js';
import { procedureDatabase, seedTransactions } from '../helpers/data-recovery-db.js';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { RdsPeer } from '../peers/rds.js';

// The scheduled restore test against the RDS peer: the newest snapshot into a scratch instance, the
// integrity SQL on it (a real PostgreSQL database stands for the restored instance), the scratch deleted,
// a report in #general; a failed test opens an L3 incident for the DBA team.
const HOUR = 3_600_000;
const rds = new RdsPeer();
let h: Harness;
let scratch: Awaited<ReturnType<typeof procedureDatabase>>;
const d = actionDriver(() => h);

beforeAll(async () => {
  await rds.start();
  rds.createMs = 400;
  rds.deleteMs = 300;
  rds.add({ id: 'production-primary', status: 'available', latestRestorableTime: Date.now() - 5 * 60_000, backupRetentionDays: 7, multiAZ: true });
  rds.addSnapshot({ id: 'rds:production-primary-2026-01-15-03-00', instance: 'production-primary', createdAt: Date.now() - 6 * HOUR });
  rds.addSnapshot({ id: 'rds:production-primary-2026-01-14-03-00', instance: 'production-primary', createdAt: Date.now() - 30 * HOUR });
  scratch = await procedureDatabase('drrestoretest', seedTransactions({ known: 1_000, lost: 0, skipEvery: 10, incidentAt: new Date() }));
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'],
          restoreTest: { every: '7d', instance: 'boom-card-restore-test', connectionEnv: 'RESTORE_TEST_DB_URL', channel: CHANNELS.general },
        },
        rds: { pollEvery: '100ms', availableTimeout: '30s' },
      },
    }),
    env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', RESTORE_TEST_DB_URL: scratch.url },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await rds.close();
  await scratch?.drop();
});

const schedule = async () => (await h.bot.store.db.query<{ due_at: Date }>(`SELECT due_at FROM jobs WHERE kind = 'restore_test' AND key = 'schedule' AND done_at IS NULL`)).rows;
const reports = () => h.emulator.messages(CHANNELS.general).filter((m) => m.text.includes('Restore test'));
const count = (action: string) => rds.calls.filter((c) => c.action === action);

describe('the scheduled restore test', () => {
  it('is one row, due a week after the first start, and a restart does not move it', async () => {
    const [row] = await schedule();
    expect(row).toBeDefined();
    expect(Math.abs(row!.due_at.getTime() - (Date.now() + 7 * 24 * HOUR))).toBeLessThan(5 * 60_000);
    await startRestoreTests({ db: h.bot.store.db, policy: h.bot.policy, clock: { now: () => new Date(Date.now() + 3 * HOUR) } });
    expect(await schedule()).toEqual([row]);
  });

  it('bad input and people without the role are refused', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'verify-backup --restore-tests')).toContain('takes no arguments but `--restore-test`');
    expect(await d.answer(PEOPLE.georgi, 'verify-backup --restore-test')).toContain('can use `/dr verify-backup`');
    expect(count('RestoreDBInstanceFromDBSnapshot')).toHaveLength(0);
  });

  it('/dr verify-backup --restore-test: newest snapshot → private scratch instance → integrity SQL → deleted → report', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'verify-backup --restore-test')).toContain('Restore test started');
    const report = await h.emulator.waitFor(() => reports()[0], 30_000);
    expect(report.text).toMatch(/^:white_check_mark: \*Restore test passed\*: snapshot rds:production-primary-2026-01-15-03-00 · data age 6.0 h · restored in [\d.]+ s · 4 integrity checks healthy · scratch instance boom-card-restore-test deleted$/);
    const [restore] = count('RestoreDBInstanceFromDBSnapshot');
    expect(restore!.params).toMatchObject({ DBInstanceIdentifier: 'boom-card-restore-test', DBSnapshotIdentifier: 'rds:production-primary-2026-01-15-03-00', DeletionProtection: 'false', MultiAZ: 'false', PubliclyAccessible: 'false' });
    expect(count('DeleteDBInstance').map((c) => c.params)).toEqual([expect.objectContaining({ DBInstanceIdentifier: 'boom-card-restore-test', SkipFinalSnapshot: 'true' })]);
    expect(rds.instances.has('boom-card-restore-test')).toBe(false);
    const rows = (await h.bot.store.db.query<Record<string, any>>('SELECT ok, snapshot, restore_ms, data_age_ms, incident_id FROM restore_tests')).rows;
    expect(rows).toEqual([expect.objectContaining({ ok: true, snapshot: 'rds:production-primary-2026-01-15-03-00', incident_id: null })]);
    expect((await schedule()).length).toBe(1); // the weekly row is untouched by a run now
  }, 60_000);

  it('a restore whose data fails the integrity SQL: report says so, the scratch is still deleted, an L3 incident opens for the DBA team', async () => {
    await scratch.sql('INSERT INTO transactions VALUES (999999, 424242, 1, 5.00, now())'); // an orphaned transaction
    expect(await d.answer(PEOPLE.dmitri, 'verify-backup --restore-test')).toContain('Restore test started');
    const report = await h.emulator.waitFor(() => reports()[1], 30_000);
    expect(report.text).toContain(':x: *Restore test FAILED*');
    expect(report.text).toContain('1 of 4 integrity checks unhealthy: Orphaned transactions: 1 transactions whose user does not exist (limit 0)');
    expect(report.text).toContain('scratch instance boom-card-restore-test deleted · INC-1 opened for the DBA team');
    const inc = await eventually(async () => h.bot.store.incidents.get(1), 10_000);
    expect(inc).toMatchObject({ level: 3, title: 'Restore test failed (rds:production-primary-2026-01-15-03-00)' });
    expect(count('DeleteDBInstance')).toHaveLength(2);
    expect(rds.instances.has('boom-card-restore-test')).toBe(false);
  }, 60_000);
});
