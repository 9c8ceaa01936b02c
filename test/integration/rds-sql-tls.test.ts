import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresAdapter } from '../../src/infra/postgres.js';
import { sqlConnection } from '../../src/infra/sql-access.js';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgInstance, type PgInstance } from '../helpers/pg-instance.js';
import { makeTestCa, type TestCa } from '../helpers/test-ca.js';
import { CloudWatchPeer } from '../peers/cloudwatch.js';
import { RdsPeer } from '../peers/rds.js';

// A PostgreSQL server of this file's own that, like RDS with rds.force_ssl=1, refuses connections without
// TLS; its certificate is signed by a test CA made with openssl. The bot's SQL checks must verify the chain
// against the policy's CA bundle and the host name (sslmode=verify-full).
let ca: TestCa;
let caDir: string;
let server: PgInstance;
const postgres = new PostgresAdapter();
const aws = { region: 'eu-central-1', accessKeyId: 'AKIDTESTTESTTEST', secretAccessKey: 'test-secret' };
const url = (host: string) => `postgres://postgres@${host}:${server.port}/postgres`;

beforeAll(async () => {
  caDir = mkdtempSync(join(tmpdir(), 'drbot-ca-'));
  ca = makeTestCa(caDir, ['localhost']);
  server = await createPgInstance({
    prepare(_dir, data) {
      for (const [from, to] of [[ca.serverCert, 'server.crt'], [ca.serverKey, 'server.key']] as const) writeFileSync(join(data, to), readFileSync(from));
      chmodSync(join(data, 'server.key'), 0o600);
      if (process.getuid?.() === 0) execFileSync('chown', ['postgres', join(data, 'server.crt'), join(data, 'server.key')]);
      // rds.force_ssl: a connection without TLS is rejected before authentication.
      const hba = join(data, 'pg_hba.conf');
      writeFileSync(hba, `hostnossl all all all reject\n${readFileSync(hba, 'utf8')}`);
    },
    options: ['ssl=on'],
  });
  const c = new pg.Client({ connectionString: url('localhost'), ssl: { rejectUnauthorized: false } });
  await c.connect();
  await c.query('CREATE ROLE dr_bot LOGIN');
  await c.end();
}, 60_000);
afterAll(() => {
  server?.destroy();
  rmSync(caDir, { recursive: true, force: true });
});

describe('SQL checks over TLS (verify-full) against a test CA', () => {
  it('without TLS settings the server refuses the connection, as RDS does with rds.force_ssl', async () => {
    await expect(postgres.status(url('localhost'), 5_000)).rejects.toThrow(/no encryption/);
  });

  it('verify-full with the CA bundle: the chain and the host name check out, the check runs', async () => {
    const conn = await sqlConnection(url('localhost'), { sslMode: 'verify-full', caBundle: ca.caFile }, aws);
    expect((await postgres.status(conn, 5_000)).inRecovery).toBe(false);
  });

  it('a certificate another CA signed is refused', async () => {
    const conn = await sqlConnection(url('localhost'), { sslMode: 'verify-full', caBundle: ca.rogueCaFile }, aws);
    await expect(postgres.status(conn, 5_000)).rejects.toThrow(/self[- ]signed|unable to verify|unable to get local issuer/i);
  });

  it('a host name the certificate does not name is refused (verify-full, not just verify-ca)', async () => {
    const conn = await sqlConnection(url('127.0.0.1'), { sslMode: 'verify-full', caBundle: ca.caFile }, aws);
    await expect(postgres.status(conn, 5_000)).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list|altnames/i);
  });

  it('iamUser: an IAM authentication token (rds-db:connect, SigV4-presigned) is the password, over TLS', async () => {
    const conn = await sqlConnection(url('localhost'), { sslMode: 'verify-full', caBundle: ca.caFile, iamUser: 'dr_bot' }, aws);
    if (typeof conn === 'string') throw new Error('expected a connection with options');
    const u = new URL(conn.url);
    expect(u.username).toBe('dr_bot');
    const token = decodeURIComponent(u.password);
    expect(token.startsWith(`localhost:${server.port}/?`)).toBe(true);
    expect(token).toContain('Action=connect');
    expect(token).toContain('DBUser=dr_bot');
    expect(token).toContain('X-Amz-Credential=AKIDTESTTESTTEST%2F');
    expect(token).toMatch(/%2Feu-central-1%2Frds-db%2Faws4_request/);
    expect(token).toContain('X-Amz-Signature=');
    // This server trusts any password; what matters is that the token travels and the user is the IAM one.
    const c = new pg.Client({ connectionString: conn.url, ssl: conn.ssl });
    await c.connect();
    expect((await c.query('SELECT current_user AS u')).rows[0].u).toBe('dr_bot');
    await c.end();
  });
});

describe('/dr failover-db verifies the promoted RDS instance over TLS', () => {
  const rds = new RdsPeer();
  const cw = new CloudWatchPeer();
  let h: Harness;
  const d = actionDriver(() => h);
  beforeAll(async () => {
    await rds.start();
    await cw.start();
    rds.promoteMs = 300;
    rds.add({ id: 'production-primary', status: 'failed' });
    rds.add({ id: 'production-replica-1', status: 'available', replicaOf: 'production-primary' });
    cw.setLag('production-replica-1', 0);
    h = await startHarness({
      policy: drPolicy({
        targets: {
          database: {
            provider: 'rds',
            primary: 'production-primary',
            replicas: [{ name: 'production-replica-1', connectionEnv: 'REPLICA_SQL_URL' }],
            sql: { sslMode: 'verify-full', caBundle: ca.caFile },
          },
          rds: { pollEvery: '100ms' },
        },
      }),
      env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', REPLICA_SQL_URL: url('localhost') },
    });
    await d.declare(PEOPLE.maria, 'L1 Primary lost');
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    await rds.close();
    await cw.close();
  });

  it('the verify step connects with verify-full and the test CA, and proves a write', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db');
    const plan = await d.planCard(1);
    await d.confirm(PEOPLE.dmitri, 1);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('over SQL (TLS): not in recovery, a write succeeded');
  }, 45_000);
});
