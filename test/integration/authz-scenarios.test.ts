import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/observability/logger.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { forgedClick } from '../helpers/forged.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgPair, type PgPair } from '../helpers/pg-pair.js';
import { blockText } from '../helpers/slack-views.js';
import { K8sPeer } from '../peers/k8s.js';

// The issue's scenarios, each on an incident of its own, against a real PostgreSQL pair (primary UP),
// Redis database 11 and the Kubernetes peer.
const NO_TEAM = 'U0NOTEAM2';
const SECRET_HEALTH = 's3cretHealthPw';
const SECRET_REDIS = 'hunter2RedisPw';

let pair: PgPair;
let h: Harness;
const k8s = new K8sPeer();
const redis = new Redis('redis://127.0.0.1:6379/11', { lazyConnect: true });
const logLines: string[] = [];
let healthServer: http.Server;
let healthAuth: Array<string | undefined> = [];

beforeAll(async () => {
  pair = await createPgPair();
  await pair.query(pair.primary.url(), 'CREATE TABLE filler (id serial PRIMARY KEY, pad text)');
  await pair.caughtUp();
  await redis.connect();
  await redis.flushdb();
  await redis.mset({ 'price:1': '10', 'price:2': '20' });
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 3 });
  healthServer = http.createServer((req, res) => {
    healthAuth.push(req.headers.authorization);
    res.writeHead(req.headers.authorization === `Basic ${Buffer.from(`dr:${SECRET_HEALTH}`).toString('base64')}` ? 200 : 401).end();
  });
  await new Promise<void>((r) => healthServer.listen(0, '127.0.0.1', r));
  const port = (healthServer.address() as { port: number }).port;
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  h = await startHarness({
    log: createLogger('debug', sink),
    policy: drPolicy({
      targets: {
        database: {
          provider: 'postgres',
          primary: 'production-primary',
          replicas: [{ name: 'production-replica-1', connectionEnv: 'PG_REPLICA_1_URL' }],
          connectionEnv: 'PLATFORM_DATABASE_URL',
          repoint: [{ deployment: 'api-gateway', env: 'DB_HOST' }],
          maxLagBytes: 65536,
        },
        redis: { urlEnv: 'PLATFORM_REDIS_URL', db: 11 },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', deployments: { 'api-gateway': { maxReplicas: 20 } } },
        health: [
          { name: 'API Gateway', urlEnv: 'API_GATEWAY_HEALTH_URL' },
          { name: 'Partner API', urlEnv: 'PARTNER_HEALTH_URL' },
        ],
      },
    }),
    env: {
      PLATFORM_DATABASE_URL: pair.primary.url(),
      PG_REPLICA_1_URL: pair.standby.url(),
      PLATFORM_REDIS_URL: 'redis://127.0.0.1:6379',
      KUBE_SERVER: k8s.url,
      API_GATEWAY_HEALTH_URL: `http://dr:${SECRET_HEALTH}@127.0.0.1:${port}/health`,
      // Nobody listens there: its error must not carry the password either.
      PARTNER_HEALTH_URL: `http://partner:${SECRET_REDIS}@127.0.0.1:1/health`,
    },
  });
  h.emulator.addUser({ id: NO_TEAM, name: 'mallory', real_name: 'Mallory' });
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
  await new Promise((r) => healthServer?.close(r));
  await redis.flushdb().catch(() => undefined);
  await redis.quit();
  pair?.destroy();
});

const standbyInRecovery = async () => (await pair.query<{ rec: boolean }>(pair.standby.url(), 'SELECT pg_is_in_recovery() AS rec'))[0]!.rec;
const incidentByTitle = (title: string) =>
  eventually(async () => (await h.bot.store.db.query<{ id: number }>('SELECT id FROM incidents WHERE title = $1', [title])).rows[0]?.id, 15_000);
const latestAction = (incident: number, kind: string) =>
  eventually(async () => (await h.bot.store.db.query<{ id: number }>('SELECT id FROM actions WHERE incident_id = $1 AND kind = $2 ORDER BY id DESC', [incident, kind])).rows[0]?.id, 15_000);
/** The bot's answer to `user` for what `send` did: the ack's body, else the first new ephemeral matching `match`. */
async function answer(user: string, send: () => Promise<{ body?: unknown }>, match = /./): Promise<string> {
  const before = h.emulator.ephemerals({ user }).length;
  const r = await send();
  const body = r.body as { text?: string } | undefined;
  if (body && typeof body.text === 'string') return body.text;
  return h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before).find((e) => match.test(e.text))?.text, 15_000);
}
/** Confirm on the plan's card, once the card is there; the answer about that plan. */
async function confirm(user: string, id: number): Promise<string> {
  await h.emulator.waitFor(() => h.emulator.allMessages().find((m) => m.text.startsWith(`Action #${id}`)), 15_000);
  // The requester is told once the card is in Slack, a moment after it shows: that answer is not the click's.
  await h.emulator.waitFor(() => h.emulator.ephemerals({}).find((e) => e.text.startsWith(`Plan #${id} is `)), 15_000);
  return answer(user, () => h.emulator.clickButton({ user, actionId: 'dr_action_confirm', value: String(id), channel: CHANNELS.incidents }), /Plan #|second person|Only|now, so|Nothing was done/);
}

describe('the issue scenarios', () => {
  it('no-team chain: declare → failover → self-confirm promotes nothing, and declaring made him no commander', async () => {
    await h.run(NO_TEAM, '/incident', 'declare L2 Quick check');
    const inc = await incidentByTitle('Quick check');
    const row = await h.bot.store.incidents.get(inc);
    expect(row!.roles.incident_commander).toBeDefined();
    expect(row!.roles.incident_commander).not.toBe(NO_TEAM); // the on-call commander instead
    expect(await answer(NO_TEAM, () => h.run(NO_TEAM, '/dr', `failover-db production-replica-1 INC-${inc}`))).toMatch(/:no_entry: Only .*Incident Commander or a Database Administrator/);
    expect(await answer(NO_TEAM, () => h.run(NO_TEAM, '/dr', `flush-cache 11 INC-${inc}`))).toMatch(/:no_entry:/);
    expect(await answer(NO_TEAM, () => h.run(NO_TEAM, '/dr', `scale api-gateway 20 INC-${inc}`))).toMatch(/:no_entry:/);
    expect(await answer(NO_TEAM, () => h.run(NO_TEAM, '/incident', `assign ic <@${NO_TEAM}> INC-${inc}`))).toMatch(/:no_entry:/);
    // Even a plan someone else asked for cannot be confirmed by him.
    await h.run(PEOPLE.dmitri, '/dr', `failover-db production-replica-1 INC-${inc}`);
    const plan = await latestAction(inc, 'failover-db');
    expect(await confirm(NO_TEAM, plan)).toMatch(/Only/);
    expect(await standbyInRecovery()).toBe(true);
    expect(k8s.deployments.get('production/api-gateway')!.replicas).toBe(3);
    expect((await redis.keys('*')).length).toBe(2);
    expect((await h.bot.actions.mustGet(plan)).status).toBe('proposed');
  }, 60_000);

  it('L1 request → lowered to L3 → self-confirm is refused; the cache keeps its keys', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Stale prices everywhere');
    const inc = await incidentByTitle('Stale prices everywhere');
    await h.run(PEOPLE.alice, '/dr', `flush-cache 11 INC-${inc}`);
    const plan = await latestAction(inc, 'flush-cache');
    await h.run(PEOPLE.alice, '/incident', `level INC-${inc} L3`);
    await eventually(async () => (await h.bot.store.incidents.get(inc))!.level === 3, 20_000);
    // Its answer has arrived, so it is not read as the answer to the click below.
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => e.text.includes(`INC-${inc}* is now L3`)), 15_000);
    expect(await confirm(PEOPLE.alice, plan)).toMatch(/second person[\s\S]*requested at L1; lowering the level since does not lift the rule/);
    expect((await h.bot.actions.mustGet(plan)).status).toBe('proposed');
    expect((await redis.keys('*')).sort()).toEqual(['price:1', 'price:2']);
    const stored = (await h.bot.actions.mustGet(plan)).bound!;
    expect(stored).toMatchObject({ level: 1, twoPersonRule: true, approveRoles: ['incident_commander', 'infrastructure_engineer', 'technical_lead'], fingerprint: { db: 11, empty: false } });
  }, 60_000);

  it('Confirm after resolve is refused', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Cache warming slow');
    const inc = await incidentByTitle('Cache warming slow');
    await h.run(PEOPLE.alice, '/dr', `flush-cache 11 INC-${inc}`);
    const plan = await latestAction(inc, 'flush-cache');
    await h.run(PEOPLE.alice, '/incident', `resolve INC-${inc} it warmed up`);
    await eventually(async () => (await h.bot.store.incidents.get(inc))!.status === 'resolved', 20_000);
    expect(await confirm(PEOPLE.ivan, plan)).toMatch(/is resolved now, so its recovery actions can no longer run/);
    expect((await redis.keys('*')).length).toBe(2);
    expect((await h.bot.actions.mustGet(plan)).status).toBe('proposed');
  }, 60_000);

  it('Acknowledge: the paged person may; this incident\'s IC may on their behalf (recorded); a forged click by anyone else is refused and the escalation goes on', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Payments down');
    const inc = await incidentByTitle('Payments down');
    const pages = await eventually(async () => {
      const r = await h.bot.store.db.query<{ id: number; user_id: string }>(`SELECT id, user_id FROM pages WHERE incident_id = $1 AND user_id IS NOT NULL AND user_id <> $2 ORDER BY id`, [inc, PEOPLE.alice]);
      return r.rows.length >= 2 ? r.rows : undefined;
    }, 15_000);
    const [first, second] = [pages[0]!, pages.find((p) => p.user_id !== pages[0]!.user_id) ?? pages[1]!];
    expect(await answer(NO_TEAM, () => forgedClick(h.emulator, { user: NO_TEAM, actionId: 'page_acknowledge', value: String(first.id), channel: CHANNELS.incidents }))).toMatch(/Only the person who was paged/);
    const open = await h.bot.store.db.query(`SELECT status FROM pages WHERE id = $1`, [first.id]);
    expect(open.rows[0]).toEqual({ status: 'open' });
    expect((await h.bot.store.db.query(`SELECT id FROM jobs WHERE kind = 'page_escalation' AND incident_id = $1 AND done_at IS NULL`, [inc])).rows.length).toBeGreaterThan(0);

    await forgedClick(h.emulator, { user: first.user_id, actionId: 'page_acknowledge', value: String(first.id), channel: CHANNELS.incidents });
    await eventually(async () => (await h.bot.store.db.query<{ acked_by: string }>(`SELECT acked_by FROM pages WHERE id = $1`, [first.id])).rows[0]?.acked_by === first.user_id, 20_000);

    await forgedClick(h.emulator, { user: PEOPLE.alice, actionId: 'page_acknowledge', value: String(second.id), channel: CHANNELS.incidents });
    const ack = await eventually(async () => (await h.bot.store.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM timeline WHERE incident_id = $1 AND kind = 'page_acknowledged' AND actor = $2`, [inc, PEOPLE.alice])).rows[0]?.data, 15_000);
    expect(ack).toMatchObject({ onBehalfOf: [second.user_id], as: 'incident:incident_commander' });
  }, 60_000);

  it('replica lag grows past maxLagBytes between plan and Confirm: refused, a fresh plan is posted, nothing promoted', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L2 Primary flapping');
    const inc = await incidentByTitle('Primary flapping');
    await h.run(PEOPLE.alice, '/dr', `failover-db production-replica-1 INC-${inc}`);
    const plan = await latestAction(inc, 'failover-db');
    expect((await h.bot.actions.mustGet(plan)).bound!.fingerprint).toMatchObject({ lagBand: 'within 64.0 KiB', replicaState: 'in recovery' });
    await pair.query(pair.standby.url(), 'SELECT pg_wal_replay_pause()');
    try {
      await pair.query(pair.primary.url(), "INSERT INTO filler (pad) SELECT repeat('x', 1000) FROM generate_series(1, 2000)");
      await eventually(async () => {
        const [r] = await pair.query<{ lag: string }>(pair.standby.url(), 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS lag');
        return Number(r!.lag) > 65536;
      }, 20_000);
      const said = await confirm(PEOPLE.dmitri, plan);
      expect(said).toMatch(/Nothing was done: the world changed since plan #\d+ was shown \(lagBand: within 64\.0 KiB → over 64\.0 KiB\)\. A fresh plan #\d+ is in the thread/);
      expect(await standbyInRecovery()).toBe(true);
      expect((await h.bot.actions.mustGet(plan)).status).toBe('cancelled');
      const oldCard = () => h.emulator.allMessages().find((m) => m.text.startsWith(`Action #${plan}`))!;
      expect(await h.emulator.waitFor(() => (/Void/.test(blockText(oldCard())) ? blockText(oldCard()) : undefined), 15_000)).toMatch(/Void — the facts changed before Confirm: lagBand/);
      const fresh = await latestAction(inc, 'failover-db');
      expect(fresh).toBeGreaterThan(plan);
      const freshRow = await h.bot.actions.mustGet(fresh);
      expect(freshRow).toMatchObject({ status: 'proposed', requestedBy: PEOPLE.alice, bound: { fingerprint: { lagBand: 'over 64.0 KiB' } } });
      const card = await h.emulator.waitFor(() => h.emulator.allMessages().find((m) => m.text.startsWith(`Action #${fresh}`)), 15_000);
      expect(blockText(card)).toMatch(/behind \(limit 64\.0 KiB\)/);
      const replanned = await h.bot.store.db.query(`SELECT data FROM timeline WHERE incident_id = $1 AND kind = 'action_replanned'`, [inc]);
      expect(replanned.rows[0]).toMatchObject({ data: { action: plan, replacedBy: fresh } });
    } finally {
      await pair.query(pair.standby.url(), 'SELECT pg_wal_replay_resume()');
    }
  }, 90_000);

  it('the timeline of an approval records the fingerprint, the requester and the approver', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L2 Gateway overloaded');
    const inc = await incidentByTitle('Gateway overloaded');
    await h.run(PEOPLE.alice, '/dr', `scale api-gateway 5 INC-${inc}`);
    const plan = await latestAction(inc, 'scale');
    await h.emulator.waitFor(() => h.emulator.allMessages().find((m) => m.text.startsWith(`Action #${plan}`)), 15_000);
    await h.emulator.clickButton({ user: PEOPLE.ivan, actionId: 'dr_action_confirm', value: String(plan), channel: CHANNELS.incidents });
    await eventually(async () => (await h.bot.actions.mustGet(plan)).status === 'succeeded', 30_000);
    const approved = await h.bot.store.db.query<{ actor: string; data: Record<string, unknown> }>(`SELECT actor, data FROM timeline WHERE incident_id = $1 AND kind = 'action_approved'`, [inc]);
    expect(approved.rows[0]).toMatchObject({ actor: PEOPLE.ivan, data: { requestedBy: PEOPLE.alice, approvedBy: [PEOPLE.ivan], fingerprint: { deployment: 'production/api-gateway', replicas: 3 } } });
    expect(k8s.deployments.get('production/api-gateway')!.replicas).toBe(5);
  }, 60_000);

  it('no credential from a URL appears in any Slack message or log line; /dr health is for standing roles', async () => {
    expect(await answer(NO_TEAM, () => h.run(NO_TEAM, '/dr', 'health'))).toMatch(/:no_entry:/);
    const card = await answer(PEOPLE.georgi, () => h.run(PEOPLE.georgi, '/dr', 'health'));
    const eph = h.emulator.ephemerals({ user: PEOPLE.georgi }).at(-1)!;
    const shown = `${card}\n${JSON.stringify(eph.blocks ?? [])}`;
    expect(shown).toMatch(/API Gateway/);
    // The credentials went as Basic auth, so the check itself works.
    expect(healthAuth.at(-1)).toBe(`Basic ${Buffer.from(`dr:${SECRET_HEALTH}`).toString('base64')}`);
    h.bot.log.error({ err: new Error(`could not reach http://dr:${SECRET_HEALTH}@example.test/health`), url: `redis://:${SECRET_REDIS}@cache:6379` }, `probe of http://x:${SECRET_HEALTH}@h failed`);
    const everything = [
      ...h.emulator.allMessages().map((m) => JSON.stringify(m)),
      ...h.emulator.ephemerals().map((e) => JSON.stringify(e)),
      ...logLines,
    ].join('\n');
    expect(logLines.some((l) => l.includes('example.test'))).toBe(true);
    expect(everything).not.toContain(SECRET_HEALTH);
    expect(everything).not.toContain(SECRET_REDIS);
  }, 60_000);
});
