import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { forgedClick, forgedSubmit } from '../helpers/forged.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgPair, type PgPair } from '../helpers/pg-pair.js';
import { K8sPeer } from '../peers/k8s.js';

// The adversarial matrix, over signed HTTP, against the real targets: a PostgreSQL primary + streaming
// standby (the primary stays UP: a promotion now would make two primaries), Redis database 12, and the
// Kubernetes peer. Every cell asserts the answer and that nothing changed on the targets.
const NO_TEAM = 'U0NOTEAM1';
const IC_ONLY = 'U0ICONLY1'; // made Incident Commander of INC-1, holds no standing role
const DBA_ONLY = 'U0DBAONL1'; // a standing DBA and nothing else
const COMMS = PEOPLE.georgi; // communications coordinator only
const REQUESTER = PEOPLE.alice; // a standing Incident Commander who asks for a plan

let pair: PgPair;
let h: Harness;
const k8s = new K8sPeer();
const redis = new Redis('redis://127.0.0.1:6379/12', { lazyConnect: true });

beforeAll(async () => {
  pair = await createPgPair();
  await pair.query(pair.primary.url(), 'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders VALUES (1, 12.50)');
  await pair.caughtUp();
  await redis.connect();
  await redis.flushdb();
  await redis.mset({ 'price:1': '10', 'price:2': '20', 'session:a': 'x' });
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 3 });
  h = await startHarness({
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
        redis: { urlEnv: 'PLATFORM_REDIS_URL', db: 12 },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', deployments: { 'api-gateway': { stableImage: 'boomcard/api-gateway:stable-v1.2.3', maxReplicas: 20 } } },
      },
      teams: { 'dba-only': { name: 'DBA on loan', members: [DBA_ONLY], roles: ['dba'] } },
    }),
    env: { PLATFORM_DATABASE_URL: pair.primary.url(), PG_REPLICA_1_URL: pair.standby.url(), PLATFORM_REDIS_URL: 'redis://127.0.0.1:6379', KUBE_SERVER: k8s.url },
  });
  for (const id of [NO_TEAM, IC_ONLY, DBA_ONLY]) h.emulator.addUser({ id, name: id.toLowerCase(), real_name: id });
  await h.run(REQUESTER, '/incident', 'declare L1 Checkout failing for everyone');
  await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs, 20_000);
  await h.run(REQUESTER, '/incident', `assign ic <@${IC_ONLY}> INC-1`);
  await eventually(async () => (await h.bot.store.incidents.get(1))?.roles.incident_commander === IC_ONLY, 20_000);
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
  await redis.flushdb().catch(() => undefined);
  await redis.quit();
  pair?.destroy();
});

/** Everything an attacker could have changed: the real targets, and the bot's own rows. */
async function world() {
  const [st] = await pair.query<{ rec: boolean }>(pair.standby.url(), 'SELECT pg_is_in_recovery() AS rec');
  const dep = k8s.deployments.get('production/api-gateway')!;
  const q = async (sql: string) => (await h.bot.store.db.query<Record<string, unknown>>(sql)).rows;
  const inc = await h.bot.store.incidents.get(1);
  return {
    standbyInRecovery: st!.rec,
    redisKeys: (await redis.keys('*')).sort(),
    replicas: dep.replicas,
    image: dep.containers[0]!.image,
    generation: dep.generation,
    dbHost: k8s.env('production', 'api-gateway').DB_HOST,
    ran: await q(`SELECT id FROM actions WHERE status NOT IN ('proposed', 'cancelled', 'expired') ORDER BY id`),
    incident: { level: inc!.level, status: inc!.status, roles: inc!.roles },
    pages: await q(`SELECT id, status, acked_by FROM pages WHERE incident_id = 1 ORDER BY id`),
    overrides: await q('SELECT count(*)::int AS n FROM oncall_overrides').catch(() => []),
  };
}

/** What the bot said to `user` in answer (the ack's body, an ephemeral, or a DM). */
async function answerTo(user: string, send: () => Promise<{ body?: unknown }>, match = /./): Promise<string> {
  const eph = h.emulator.ephemerals({ user }).length;
  const dms = h.emulator.messages(user).length;
  const r = await send();
  const body = r.body as { text?: string } | undefined;
  if (body && typeof body === 'object' && typeof body.text === 'string') return body.text;
  const fresh = (texts: string[]) => texts.find((t) => t && match.test(t));
  return h.emulator.waitFor(() => fresh(h.emulator.ephemerals({ user }).slice(eph).map((e) => e.text)) ?? fresh(h.emulator.messages(user).slice(dms).map((m) => m.text)), 15_000);
}

const REFUSED = /:no_entry:|Only .* can|holds no standing role|no standing role/;

// Commands that change something; nobody without the role may even get a plan out of them.
const CHANGING: Array<[string, string]> = [
  ['/dr', 'failover-db production-replica-1 INC-1'],
  ['/dr', 'flush-cache 12 INC-1'],
  ['/dr', 'scale api-gateway 20 INC-1'],
  ['/dr', 'restart api-gateway INC-1'],
  ['/dr', 'rollback api-gateway INC-1'],
  ['/dr', 'recover-service payment-service INC-1'],
  ['/dr', 'restore-db snapshot latest INC-1'],
  ['/dr', 'restore-db repoint INC-1'],
  ['/dr', 'verify-integrity'],
  ['/dr', 'verify-backup'],
  ['/dr', 'replay-transactions --since "1 hour ago" INC-1'],
  ['/dr', 'recover-partners --from restored INC-1'],
  ['/dr', 'verify-qr'],
  ['/dr', 'regenerate-qr --missing-only INC-1'],
  ['/incident', `assign ic <@${NO_TEAM}> INC-1`],
  ['/incident', 'level INC-1 L3'],
  ['/incident', 'resolve INC-1 all good'],
  ['/incident', 'close INC-1 done'],
  ['/incident', 'remind INC-1 15m'],
  ['/incident', 'comms customer INC-1'],
  ['/oncall', `override dba <@${NO_TEAM}> 4h`],
];
// Who may NOT use which of those (the rest of the policy's people may): written out by hand from the
// issue, not derived from the definitions under test.
const EXPECT_REFUSED: Record<string, (cmd: string) => boolean> = {
  [NO_TEAM]: () => true,
  [IC_ONLY]: () => true,
  [COMMS]: (c) => !c.startsWith('comms'),
  [DBA_ONLY]: (c) => !/^(failover-db|restore-db|verify-integrity|verify-backup|replay-transactions|recover-partners|verify-qr|regenerate-qr)/.test(c),
};

describe('adversarial matrix: commands', () => {
  for (const [user, label] of [[NO_TEAM, 'no team'], [IC_ONLY, 'IC of this incident only'], [COMMS, 'communications only'], [DBA_ONLY, 'a standing DBA']] as const) {
    it(`${label}: every command it may not use is refused, and nothing changes on the targets`, async () => {
      const before = await world();
      for (const [root, text] of CHANGING) {
        if (!EXPECT_REFUSED[user]!(text)) continue;
        const said = await answerTo(user, () => h.run(user, root, text));
        expect({ cmd: `${root} ${text}`, said }).toEqual({ cmd: `${root} ${text}`, said: expect.stringMatching(REFUSED) });
      }
      expect(await world()).toEqual(before);
      const proposedBy = await h.bot.store.db.query(`SELECT id FROM actions WHERE requested_by = $1`, [user]);
      expect(proposedBy.rows).toEqual([]);
    }, 120_000);
  }

  it('a standing DBA may ask for a failover plan: a plan, not a promotion', async () => {
    const before = await world();
    const said = await answerTo(DBA_ONLY, () => h.run(DBA_ONLY, '/dr', 'failover-db production-replica-1 INC-1'));
    expect(said).toMatch(/Plan #\d+ is in INC-1's thread/);
    expect(await world()).toEqual(before);
  }, 60_000);

  it('anyone may declare, read status, list and help (open by declaration), and is told so', async () => {
    for (const [root, text] of [['/incident', 'status INC-1'], ['/incident', 'list'], ['/incident', 'help'], ['/dr', 'help'], ['/oncall', 'help']] as const) {
      const r = await h.run(NO_TEAM, root, text);
      expect(JSON.stringify(r.body ?? '')).not.toMatch(/no_entry/);
    }
  });
});

describe('adversarial matrix: buttons and forms', () => {
  let plan: number;
  beforeAll(async () => {
    // The requester's own destructive plan on an L1 incident.
    await h.run(REQUESTER, '/dr', 'flush-cache 12 INC-1');
    plan = await eventually(async () => (await h.bot.store.db.query<{ id: number }>(`SELECT id FROM actions WHERE kind = 'flush-cache' AND requested_by = $1`, [REQUESTER])).rows[0]?.id, 15_000);
    // The card is up and the requester has had the bot's reply, so no late answer is mistaken for a refusal.
    await h.emulator.waitFor(() => h.emulator.allMessages().find((m) => m.text.startsWith(`Action #${plan}`)), 15_000);
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: REQUESTER }).find((e) => e.text.startsWith(`Plan #${plan} is in`)), 15_000);
  }, 30_000);

  const adversaries = [NO_TEAM, IC_ONLY, COMMS, DBA_ONLY];

  it('Confirm: nobody without the stored approver roles, and not the requester alone on L1; the cache keeps its keys', async () => {
    const before = await world();
    for (const user of [...adversaries, REQUESTER]) {
      const said = await answerTo(user, () => h.emulator.clickButton({ user, actionId: 'dr_action_confirm', value: String(plan), channel: CHANNELS.incidents }));
      expect({ user, said }).toEqual({ user, said: expect.stringMatching(user === REQUESTER ? /second person/ : REFUSED) });
    }
    expect(await world()).toEqual(before);
    expect((await h.bot.actions.mustGet(plan)).status).toBe('proposed');
  }, 90_000);

  it('Cancel: only the requester or an Incident Commander', async () => {
    for (const user of adversaries) {
      const said = await answerTo(user, () => forgedClick(h.emulator, { user, actionId: 'dr_action_cancel', value: String(plan), channel: CHANNELS.incidents }));
      expect({ user, said }).toEqual({ user, said: expect.stringMatching(/Only|can cancel/) });
    }
    expect((await h.bot.actions.mustGet(plan)).status).toBe('proposed');
  }, 60_000);

  it('card buttons and forms (forged, signed): assign, resolve, update — refused, the incident unchanged', async () => {
    const before = await world();
    const forms = (user: string) => [
      () => forgedClick(h.emulator, { user, actionId: 'incident_assign_role', value: '1', channel: CHANNELS.incidents }),
      () => forgedClick(h.emulator, { user, actionId: 'incident_resolve', value: '1', channel: CHANNELS.incidents }),
      () => forgedSubmit(h.emulator, { user, callbackId: 'incident_assign', privateMetadata: { channel: CHANNELS.incidents, incident: 1 }, values: { role: { value: { type: 'static_select', selected_option: { value: 'incident_commander' } } }, user: { value: { type: 'users_select', selected_user: user } } } }),
      () => forgedSubmit(h.emulator, { user, callbackId: 'incident_resolve', privateMetadata: { channel: CHANNELS.incidents, incident: 1 }, values: { summary: { value: { type: 'plain_text_input', value: 'fixed' } } } }),
    ];
    for (const user of adversaries) {
      for (const send of forms(user)) expect(await answerTo(user, send)).toMatch(REFUSED);
    }
    for (const user of [NO_TEAM, IC_ONLY]) {
      expect(await answerTo(user, () => forgedClick(h.emulator, { user, actionId: 'incident_post_update', value: '1', channel: CHANNELS.incidents }))).toMatch(REFUSED);
      expect(await answerTo(user, () => forgedSubmit(h.emulator, { user, callbackId: 'incident_update', privateMetadata: { channel: CHANNELS.incidents, incident: 1 }, values: { text: { value: { type: 'plain_text_input', value: 'pwned' } }, status: { value: { type: 'static_select', selected_option: { value: 'monitoring' } } } } }))).toMatch(REFUSED);
      expect(await answerTo(user, () => forgedClick(h.emulator, { user, actionId: 'comms_preview', channel: CHANNELS.incidents }))).toMatch(REFUSED);
      expect(await answerTo(user, () => forgedClick(h.emulator, { user, actionId: 'checklist_toggle_0', channel: CHANNELS.incidents, blockId: 'checklist_1_0' }))).toMatch(REFUSED);
    }
    expect(await world()).toEqual(before);
  }, 120_000);

  it('an action id no definition names is refused (fail closed)', async () => {
    expect(await answerTo(PEOPLE.maria, () => forgedClick(h.emulator, { user: PEOPLE.maria, actionId: 'dr_run_anything', value: '1', channel: CHANNELS.incidents }))).toMatch(/declares no permission|nobody may/);
  });

  it('Acknowledge: a forged click from anyone not paged is refused, and the escalation goes on', async () => {
    const page = await eventually(async () => (await h.bot.store.db.query<{ id: number; user_id: string }>(`SELECT id, user_id FROM pages WHERE incident_id = 1 AND user_id IS NOT NULL AND status = 'open' ORDER BY id`)).rows[0], 15_000);
    const before = await world();
    for (const user of [...adversaries, REQUESTER].filter((u) => u !== page.user_id)) {
      const said = await answerTo(user, () => forgedClick(h.emulator, { user, actionId: 'page_acknowledge', value: String(page.id), channel: CHANNELS.incidents }));
      expect({ user, said }).toEqual({ user, said: expect.stringMatching(/Only the person who was paged|Only/) });
    }
    expect(await world()).toEqual(before);
    const escalation = await h.bot.store.db.query(`SELECT id FROM jobs WHERE kind = 'page_escalation' AND incident_id = 1 AND done_at IS NULL`);
    expect(escalation.rows.length).toBeGreaterThan(0);
    const refusals = await h.bot.store.db.query(`SELECT actor FROM timeline WHERE incident_id = 1 AND kind = 'refused' AND data->>'interaction' = 'page_acknowledge'`);
    expect(refusals.rows.length).toBeGreaterThan(0);
  }, 60_000);
});
