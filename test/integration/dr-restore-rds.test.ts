import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { K8sPeer, STRATEGIC_MERGE } from '../peers/k8s.js';
import { RdsPeer } from '../peers/rds.js';

// Restores against the RDS peer (AWS query protocol); the restored instance's integrity checks run on a
// PostgreSQL database of this file's own; the repoint goes to the Kubernetes peer.
const rds = new RdsPeer();
const k8s = new K8sPeer();
let restored: Awaited<ReturnType<typeof createTestDatabase>>;
let h: Harness;
const d = actionDriver(() => h);
const HOUR = 3_600_000;
const TARGET = 'boom-card-recovery';

beforeAll(async () => {
  await rds.start();
  rds.createMs = 800;
  rds.add({ id: 'production-primary', status: 'available', latestRestorableTime: Date.now() - 5 * 60_000, backupRetentionDays: 7 });
  rds.addSnapshot({ id: 'rds:production-primary-2026-01-14-03-00', instance: 'production-primary', createdAt: Date.now() - 30 * HOUR });
  rds.addSnapshot({ id: 'rds:production-primary-2026-01-15-03-00', instance: 'production-primary', createdAt: Date.now() - 6 * HOUR });
  rds.addSnapshot({ id: 'before-migration', instance: 'production-primary', createdAt: Date.now() - 2 * HOUR, type: 'manual' });
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 2 });
  restored = await createTestDatabase('drrestored');
  const c = new pg.Client({ connectionString: restored.url });
  await c.connect();
  await c.query(`CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE partners (id bigint PRIMARY KEY);
    CREATE TABLE transactions (transaction_id bigint PRIMARY KEY, user_id bigint, partner_id bigint, amount numeric, created_at timestamptz DEFAULT now());
    CREATE TABLE qr_codes (id bigint PRIMARY KEY, partner_id bigint); CREATE TABLE audit_log (id bigserial PRIMARY KEY, transaction_id bigint, created_at timestamptz DEFAULT now());
    INSERT INTO users VALUES (1); INSERT INTO partners VALUES (10); INSERT INTO transactions VALUES (1, 1, 10, 9.99); INSERT INTO audit_log (transaction_id) VALUES (1);`);
  await c.end();
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: { provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], repoint: [{ deployment: 'api-gateway' }], restore: { connectionEnv: 'RESTORED_DB_URL' } },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER' },
        rds: { pollEvery: '200ms', availableTimeout: '30s' },
      },
    }),
    env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', KUBE_SERVER: k8s.url, RESTORED_DB_URL: restored.url },
  });
  await d.declare(PEOPLE.alice, 'L1 Production database lost');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await rds.close();
  await k8s.close();
  await restored?.drop();
});

const restores = () => rds.calls.filter((c) => c.action.startsWith('Restore'));

describe('/dr verify-backup', () => {
  it('the newest automated snapshot, available and 6 h old, is healthy; past 24 h it is not', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'verify-backup')).toMatch(/Backups: all 2 healthy[\s\S]*rds:production-primary-2026-01-15-03-00 is available \(2 automated snapshot\(s\) in all\)[\s\S]*6\.0 h ago \(limit 24\.0 h\)/);
    const call = rds.calls.find((c) => c.action === 'DescribeDBSnapshots')!;
    expect(call.params).toMatchObject({ DBInstanceIdentifier: 'production-primary', SnapshotType: 'automated' });
    const newest = rds.snapshots.get('rds:production-primary-2026-01-15-03-00')!;
    newest.createdAt = Date.now() - 26 * HOUR;
    try {
      expect(await d.answer(PEOPLE.dmitri, 'verify-backup')).toMatch(/1 of 2 unhealthy[\s\S]*:x: \*Backup age\* .*26\.0 h ago: older than the limit of 24\.0 h/);
    } finally {
      newest.createdAt = Date.now() - 6 * HOUR;
    }
  });
});

describe('/dr restore-db', () => {
  it('bad input, an unknown snapshot and a time outside the restorable window are refused before any plan', async () => {
    expect(await d.answer(PEOPLE.alice, 'restore-db')).toContain('Usage: `/dr restore-db');
    expect(await d.answer(PEOPLE.alice, 'restore-db frobnicate')).toContain('Unknown mode "frobnicate"');
    expect(await d.answer(PEOPLE.alice, 'restore-db pitr last tuesday')).toContain('"last tuesday" is not a time');
    expect(await d.answer(PEOPLE.alice, 'restore-db snapshot nope-snap')).toContain('RDS has no snapshot "nope-snap"');
    expect(await d.answer(PEOPLE.alice, 'restore-db pitr 1 minute ago')).toMatch(/is after the latest point RDS can restore production-primary to, \S+ \(5 min ago\)/);
    expect(await d.answer(PEOPLE.alice, 'restore-db pitr 30 days ago')).toContain('is before the restorable window of production-primary: it keeps 7 day(s) of backups');
    expect(await d.answer(PEOPLE.alice, 'verify-backup now')).toContain('takes no arguments');
    expect(await d.actionCount()).toBe(0);
    expect(restores()).toHaveLength(0);
  });

  it('snapshot latest: restores the newest automated snapshot into the new instance, waits, checks integrity over SQL', async () => {
    await h.run(PEOPLE.alice, '/dr', 'restore-db snapshot latest');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toContain('rds:production-primary-2026-01-15-03-00 of production-primary, automated');
    await d.confirm(PEOPLE.dmitri, 1);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('4 integrity checks healthy');
    expect(restores()).toHaveLength(1);
    expect(restores()[0]!.params).toMatchObject({ Action: 'RestoreDBInstanceFromDBSnapshot', DBInstanceIdentifier: TARGET, DBSnapshotIdentifier: 'rds:production-primary-2026-01-15-03-00', Version: '2014-10-31' });
    expect(rds.instances.get(TARGET)).toMatchObject({ status: 'available', restoredFrom: 'rds:production-primary-2026-01-15-03-00' });
    expect(k8s.calls.filter((c) => c.method === 'PATCH')).toHaveLength(0); // the apps move only with repoint
  }, 45_000);

  it('a second restore into the same instance is refused before a plan; repoint is its own confirmed action', async () => {
    expect(await d.answer(PEOPLE.alice, 'restore-db snapshot latest')).toContain(`${TARGET} already exists (available)`);
    await h.run(PEOPLE.alice, '/dr', 'restore-db repoint');
    const plan = await d.planCard(2);
    await d.confirm(PEOPLE.dmitri, 2);
    expect(await d.finished(plan.ts)).toContain('Done in');
    const [patch] = k8s.calls.filter((c) => c.method === 'PATCH');
    expect(patch!.contentType).toBe(STRATEGIC_MERGE);
    expect(k8s.env('production', 'api-gateway').DB_HOST).toBe(`${TARGET}.abc123.eu-central-1.rds.amazonaws.com`);
  }, 45_000);

  it('pitr "1 hour ago": RestoreDBInstanceToPointInTime from the primary at that time', async () => {
    rds.instances.delete(TARGET);
    const asked = Date.now();
    await h.run(PEOPLE.alice, '/dr', 'restore-db pitr 1 hour ago');
    const plan = await d.planCard(3);
    await d.confirm(PEOPLE.dmitri, 3);
    expect(await d.finished(plan.ts)).toContain('Done in');
    const call = restores().at(-1)!;
    expect(call.params).toMatchObject({ Action: 'RestoreDBInstanceToPointInTime', SourceDBInstanceIdentifier: 'production-primary', TargetDBInstanceIdentifier: TARGET });
    expect(Math.abs(Date.parse(call.params.RestoreTime!) - (asked - HOUR))).toBeLessThan(60_000);
  }, 45_000);

  it('the window moved between the plan and Confirm: the re-run preflight voids the plan, nothing is restored', async () => {
    rds.instances.delete(TARGET);
    expect(await d.answer(PEOPLE.alice, 'restore-db pitr 2024-01-01T00:00:00Z')).toContain('before the restorable window');
    const twoDaysAgo = new Date(Date.now() - 48 * HOUR).toISOString();
    await h.run(PEOPLE.alice, '/dr', `restore-db pitr ${twoDaysAgo}`);
    const plan = await d.planCard(4);
    rds.instances.get('production-primary')!.backupRetentionDays = 1; // retention shortened meanwhile
    await d.confirm(PEOPLE.dmitri, 4);
    const said = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.dmitri }).find((e) => e.text.includes('Nothing was done')), 15_000);
    expect(said.text).toMatch(/checked again at Confirm, the plan no longer holds — .*before the restorable window/);
    expect(await h.emulator.waitFor(() => (/Void/.test(d.cardText(plan.ts)) ? d.cardText(plan.ts) : undefined), 15_000)).toMatch(/Void — the preflight now refuses/);
    expect((await h.bot.actions.mustGet(4)).status).toBe('cancelled');
    expect(rds.instances.has(TARGET)).toBe(false);
  }, 45_000);
});
