import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgPair, type PgPair } from '../helpers/pg-pair.js';
import { CloudWatchPeer } from '../peers/cloudwatch.js';
import { RdsPeer } from '../peers/rds.js';

// The replica's lag read over SQL, from a real streaming standby whose replay the test pauses while the
// primary keeps writing: WAL received but not replayed grows past the policy's maxLagBytes.
let pair: PgPair;
const rds = new RdsPeer();
const cw = new CloudWatchPeer();
let h: Harness;
const d = actionDriver(() => h);

beforeAll(async () => {
  pair = await createPgPair();
  await pair.caughtUp();
  await rds.start();
  await cw.start();
  rds.add({ id: 'production-primary', status: 'available' });
  rds.add({ id: 'production-replica-1', status: 'available', replicaOf: 'production-primary' });
  cw.setLag('production-replica-1', 9_999); // must not be consulted: SQL answers
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: { provider: 'rds', primary: 'production-primary', replicas: [{ name: 'production-replica-1', connectionEnv: 'STANDBY_URL' }], maxLagBytes: 65_536, maxLagSeconds: 3_600 },
        rds: { pollEvery: '100ms' },
      },
    }),
    env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', STANDBY_URL: pair.standby.url() },
  });
  await d.declare(PEOPLE.maria, 'L2 Primary degraded');
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await rds.close();
  await cw.close();
  pair?.destroy();
});

describe('RDS replica lag over SQL', () => {
  it('a caught-up standby: the plan shows its lag from SQL, CloudWatch is not asked', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db --dry-run');
    const text = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).map((e) => JSON.stringify(e)).find((t) => t.includes('Lag')), 10_000);
    expect(text).toMatch(/0 B received but not replayed, 0\.0 s behind \(SQL\)/);
    expect(cw.calls).toHaveLength(0);
  }, 30_000);

  it('replay paused while the primary writes: more than maxLagBytes behind is refused with the figures', async () => {
    await pair.query(pair.standby.url(), 'SELECT pg_wal_replay_pause()');
    try {
      await pair.query(pair.primary.url(), "CREATE TABLE lag_filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 20000) g");
      await eventually(async () => {
        const [r] = await pair.query<{ lag: string }>(pair.standby.url(), 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text AS lag');
        return Number(r!.lag) > 65_536;
      }, 20_000);
      const answer = await d.answer(PEOPLE.maria, 'failover-db');
      expect(answer).toMatch(/production-replica-1 is [\d.]+ (KiB|MiB) behind \(limit 64\.0 KiB\): promoting it now loses the writes it has not replayed/);
      expect(await d.actionCount()).toBe(0);
      expect(cw.calls).toHaveLength(0);
    } finally {
      await pair.query(pair.standby.url(), 'SELECT pg_wal_replay_resume()');
    }
  }, 60_000);
});
