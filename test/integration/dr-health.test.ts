import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../helpers/bot-process.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { blockText } from '../helpers/slack-views.js';
import { K8sPeer } from '../peers/k8s.js';
import { RdsPeer } from '../peers/rds.js';

// Live PostgreSQL and Redis (a database number of this file's own), a local health endpoint, a dead port,
// a server that accepts and never answers, the Kubernetes and RDS peers.
let h: Harness;
let web: http.Server;
let silent: net.Server;
const held: net.Socket[] = [];
const k8s = new K8sPeer();
const rds = new RdsPeer();
const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  web = http.createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 503).end('ok'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  silent = net.createServer((sock) => void held.push(sock)); // holds every connection, answers nothing
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 3 });
  k8s.add('production', 'consumer-web', { replicas: 2, notReady: 1 });
  await rds.start();
  rds.add({ id: 'production-primary', status: 'available' });
  rds.add({ id: 'production-replica-1', status: 'available', replicaOf: 'production-primary' });
  const dead = await freePort();
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: { provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], connectionEnv: 'PLATFORM_DATABASE_URL' },
        redis: { urlEnv: 'PLATFORM_REDIS_URL' },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', deployments: { 'api-gateway': null, 'consumer-web': null } },
        rds: { region: 'eu-central-1' },
        health: [
          { name: 'API Gateway', url: `http://127.0.0.1:${port(web)}/health` },
          { name: 'Partner dashboard', urlEnv: 'PARTNER_HEALTH_URL' },
          { name: 'Consumer web (dead)', url: `http://127.0.0.1:${dead}/health` },
          { name: 'Admin panel (silent)', url: `http://127.0.0.1:${port(silent)}/health` },
        ],
      },
    }),
    env: {
      PLATFORM_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      PLATFORM_REDIS_URL: 'redis://127.0.0.1:6379/13',
      PARTNER_HEALTH_URL: `http://127.0.0.1:${port(web)}/broken`,
      KUBE_SERVER: k8s.url,
      AWS_ENDPOINT_URL_RDS: rds.url,
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
    },
  });
});
afterAll(async () => {
  await h?.stop();
  await k8s.close();
  await rds.close();
  web.closeAllConnections();
  await new Promise((r) => web.close(r));
  held.forEach((s) => s.destroy());
  await new Promise((r) => silent.close(r));
});

describe('/dr health', () => {
  it('checks everything at once and shows each ✅/❌ with latency and error, within 6 s', async () => {
    const started = Date.now();
    const r = await h.run(PEOPLE.ivan, '/dr', 'health');
    expect(r.status).toBe(200);
    const card = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.ivan }).find((e) => e.text.startsWith('Health:')), 8_000);
    const took = Date.now() - started;
    expect(took).toBeLessThan(6_000);
    const text = blockText(card);
    const line = (name: string) => text.split('\n').find((l) => l.includes(`*${name}*`)) ?? `(no line for ${name})`;
    expect(line('Platform database')).toMatch(/^:white_check_mark: .* · \d+ ms · SELECT 1 ok · primary/);
    expect(line('Redis')).toMatch(/^:white_check_mark: .*PING → PONG/);
    expect(line('API Gateway')).toMatch(/^:white_check_mark: .*HTTP 200/);
    expect(line('Partner dashboard')).toMatch(/^:x: .*HTTP 503/);
    expect(line('Consumer web (dead)')).toMatch(/^:x: .*ECONNREFUSED|^:x: .*fetch failed/);
    expect(line('Admin panel (silent)')).toMatch(/^:x: .*(no answer within|aborted|timeout)/i);
    expect(line('Deployment production/api-gateway')).toMatch(/^:white_check_mark: .*3\/3 ready/);
    expect(line('Deployment production/consumer-web')).toMatch(/^:x: .*1\/2 ready/);
    expect(line('RDS production-primary')).toMatch(/^:white_check_mark: .*available · primary/);
    expect(line('RDS production-replica-1')).toMatch(/^:white_check_mark: .*replica of production-primary/);
    expect(text).toContain('4 of 10 checks failing');
    expect(rds.calls.every((c) => c.signed && c.contentType.startsWith('application/x-www-form-urlencoded'))).toBe(true);
  }, 15_000);

  it('a Redis that is down and an unset variable are ❌ with the reason, not a hang', async () => {
    const policy = drPolicy({ targets: { redis: { urlEnv: 'PLATFORM_REDIS_URL' }, database: { provider: 'postgres', primary: 'p', replicas: [{ name: 'r1', connectionEnv: 'REPLICA_URL' }], connectionEnv: 'UNSET_DB_URL' } } });
    const { runHealth } = await import('../../src/runbooks/health.js');
    const { createInfra } = await import('../../src/infra/index.js');
    const infra = createInfra({ PLATFORM_REDIS_URL: `redis://127.0.0.1:${await freePort()}/13`, REPLICA_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    const { results, totalMs } = await runHealth(policy, infra);
    expect(totalMs).toBeLessThan(6_000);
    expect(results.find((r) => r.name === 'Redis')).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED|connect/i) });
    expect(results.find((r) => r.name === 'Platform database')).toMatchObject({ ok: false, error: 'UNSET_DB_URL is not set on the bot' });
    // The local server is a primary, not a replica: the check answers, and says so.
    expect(results.find((r) => r.name === 'Replica r1')).toMatchObject({ ok: true, detail: 'NOT in recovery (promoted?)' });
  });
});
