import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { writeDrPolicy } from '../helpers/dr-policy.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { blockText } from '../helpers/slack-views.js';
import { K8sPeer } from '../peers/k8s.js';
import { CloudWatchPeer } from '../peers/cloudwatch.js';
import { RdsPeer } from '../peers/rds.js';

// The bot as an OS process, killed with SIGKILL while RDS is still `modifying` the promoted replica.
const rds = new RdsPeer();
const k8s = new K8sPeer();
const cw = new CloudWatchPeer();
let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const bots: BotProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  await rds.start();
  rds.promoteMs = 120_000; // stays `modifying` for the whole test
  rds.add({ id: 'production-primary', status: 'failed' });
  rds.add({ id: 'production-replica-1', status: 'available', replicaOf: 'production-primary' });
  await cw.start();
  cw.setLag('production-replica-1', 0);
  await k8s.start();
  k8s.add('production', 'api-gateway');
  db = await createTestDatabase('drkill');
  const policy = writeDrPolicy({
    targets: {
      database: { provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], repoint: [{ deployment: 'api-gateway' }] },
      kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER' },
      rds: { pollEvery: '200ms' },
    },
    actions: { heartbeatEvery: '200ms', staleAfter: '1500ms', staleCheckEvery: '500ms' },
  });
  env = { DR_POLICY: policy, SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '2000', AWS_ENDPOINT_URL_RDS: rds.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', KUBE_SERVER: k8s.url };
}, 30_000);
afterAll(async () => {
  await Promise.all(bots.map((b) => b.kill9()));
  await emulator?.stop();
  await rds.close();
  await k8s.close();
  await cw.close();
  await db?.drop();
});

async function actionRow(): Promise<{ status: string; steps: Array<{ status: string }> }> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query('SELECT status, steps FROM actions WHERE id = 1')).rows[0];
  } finally {
    await c.end();
  }
}

describe('kill -9 in the middle of a step', () => {
  it('after a restart the action is interrupted, announced, and nothing runs again', async () => {
    const first = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env });
    bots.push(first);
    emulator.botEndpoint = `http://127.0.0.1:${first.port}/slack/events`;
    await emulator.slashCommand({ command: '/incident', text: 'declare L1 Primary database failed', user: PEOPLE.alice, channel: CHANNELS.incidents });
    const incident = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('Primary database failed')), 10_000);
    const thread = () => emulator.thread(CHANNELS.incidents, incident.ts);
    // The card must be recorded on the incident before the plan can go to its thread: retry until it is.
    let plan;
    for (let i = 0; i < 20 && !plan; i++) {
      await emulator.slashCommand({ command: '/dr', text: 'failover-db', user: PEOPLE.alice, channel: CHANNELS.incidents });
      plan = await emulator.waitFor(() => thread().find((m) => m.text.startsWith('Action #')), 8_000).catch(() => undefined);
    }
    expect(plan).toBeDefined();
    await emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '1', channel: CHANNELS.incidents });
    const card = () => blockText(thread().find((m) => m.ts === plan!.ts)!);
    await emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until production-replica-1 is available and standalone — modifying/.test(card()) ? true : undefined), 10_000);

    await first.kill9();
    const calls = { promote: rds.count('PromoteReadReplica'), create: rds.count('CreateDBInstanceReadReplica'), patch: k8s.calls.filter((c) => c.method === 'PATCH').length };
    expect(calls).toEqual({ promote: 1, create: 0, patch: 0 });
    expect((await actionRow()).status).toBe('running');

    const second = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env });
    bots.push(second);
    emulator.botEndpoint = `http://127.0.0.1:${second.port}/slack/events`;
    await emulator.waitFor(() => thread().find((m) => m.text.includes('Action #1 (Fail over the database) was interrupted during step 2, "Wait until production-replica-1 is available and standalone"')), 10_000);
    const row = await actionRow();
    expect(row.status).toBe('interrupted');
    expect(row.steps.map((s) => s.status)).toEqual(['ok', 'interrupted', 'pending', 'pending', 'pending']);
    // The card is redrawn by its own job, alongside the thread line.
    await emulator.waitFor(() => (card().includes('Interrupted') ? true : undefined), 10_000);
    expect(card()).not.toMatch(/Confirm/);

    // Nothing resumes: no promotion, no repointing, no new standby, no more polling of RDS.
    const describes = rds.count('DescribeDBInstances');
    await new Promise((r) => setTimeout(r, 2_000));
    expect({ promote: rds.count('PromoteReadReplica'), create: rds.count('CreateDBInstanceReadReplica'), patch: k8s.calls.filter((c) => c.method === 'PATCH').length }).toEqual(calls);
    expect(rds.count('DescribeDBInstances')).toBe(describes);
    expect(thread().filter((m) => m.text.includes('was interrupted'))).toHaveLength(1);
    expect(second.output()).not.toMatch(/"job failed/);
  }, 60_000);
});
