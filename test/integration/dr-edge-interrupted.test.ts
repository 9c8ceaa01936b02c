import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { incidentWorkDrained } from '../helpers/drain.js';
import { writeDrPolicy } from '../helpers/dr-policy.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { blockText } from '../helpers/slack-views.js';
import { CloudFrontPeer } from '../peers/cloudfront.js';
import { ElbPeer } from '../peers/elbv2.js';
import { Route53Peer } from '../peers/route53.js';

// The bot as an OS process, killed with SIGKILL while three edge actions wait: a CloudFront invalidation to
// complete, a Route 53 change to be INSYNC, a load balancer's backup targets to be healthy.
const cf = new CloudFrontPeer();
const r53 = new Route53Peer();
const elb = new ElbPeer();
const DIST = 'E2KILLTEST01';
let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const bots: BotProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  await cf.start();
  cf.invalidateMs = 120_000; // InProgress for the whole test
  cf.add(DIST, { origins: [{ id: 'web-primary', domain: 'origin.boomcard.bg' }, { id: 'web-backup', domain: 'backup.boomcard.bg' }], target: 'web-primary' });
  await r53.start();
  r53.propagateMs = 120_000; // PENDING for the whole test
  r53.addZone('Z0KILL', 'boomcard.bg', [{ name: 'api.boomcard.bg', type: 'A', ttl: 60, values: ['203.0.113.10'] }]);
  await elb.start();
  elb.msPerSecond = 100_000; // the backup's targets stay `initial` for the whole test
  const blue = elb.addGroup('api-blue', { targets: [{ id: 'i-b0', port: 8080, failing: true }] });
  const green = elb.addGroup('api-green', { targets: [{ id: 'i-g0', port: 8080 }], interval: 5, timeout: 4 });
  const listener = elb.addListener('boom-api', blue.arn);
  db = await createTestDatabase('dredgekill');
  const policy = writeDrPolicy({
    targets: {
      cdn: { distributionIdEnv: 'CDN_DISTRIBUTION_ID', primaryOrigin: 'web-primary', backupOrigin: 'web-backup', pollEvery: '200ms' },
      dns: { hostedZoneIdEnv: 'ZONE_ID', pollEvery: '200ms', records: { api: { name: 'api.boomcard.bg', primary: { values: ['203.0.113.10'] }, backup: { values: ['198.51.100.10'] } } } },
      loadBalancers: { pollEvery: '200ms', services: { api: { listenerArnEnv: 'API_LISTENER_ARN', primaryTargetGroupArnEnv: 'API_BLUE_TG_ARN', backupTargetGroupArnEnv: 'API_GREEN_TG_ARN' } } },
    },
    actions: { heartbeatEvery: '200ms', staleAfter: '1500ms', staleCheckEvery: '500ms' },
  });
  env = { DR_POLICY: policy, SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '2000', AWS_ENDPOINT_URL_CLOUDFRONT: cf.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', CDN_DISTRIBUTION_ID: DIST,
    AWS_ENDPOINT_URL_ROUTE_53: r53.url, ZONE_ID: 'Z0KILL', AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url, API_LISTENER_ARN: listener.arn, API_BLUE_TG_ARN: blue.arn, API_GREEN_TG_ARN: green.arn };
}, 30_000);
afterAll(async () => {
  await Promise.all(bots.map((b) => b.kill9()));
  await emulator?.stop();
  await cf.close();
  await r53.close();
  await elb.close();
  await db?.drop();
});

async function actionRows(): Promise<Array<{ id: number; status: string; steps: Array<{ status: string }> }>> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query('SELECT id, status, steps FROM actions ORDER BY id')).rows;
  } finally {
    await c.end();
  }
}

/** The restarted bot has carried out everything it queued: whatever it would resume would be queued work. */
async function workDrained(): Promise<void> {
  const pool = new pg.Pool({ connectionString: db.url });
  try {
    await incidentWorkDrained({
      query: async <T,>(sql: string, params?: unknown[]) => {
        const r = await pool.query(sql, params);
        return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
      },
    });
  } finally {
    await pool.end();
  }
}

describe('kill -9 while waiting for CloudFront, Route 53 and ELB', () => {
  it('after a restart each action is interrupted, announced once, and neither re-sent nor waited for again', async () => {
    const first = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env });
    bots.push(first);
    emulator.botEndpoint = `http://127.0.0.1:${first.port}/slack/events`;
    await emulator.slashCommand({ command: '/incident', text: 'declare L1 Frankfurt edge down', user: PEOPLE.alice, channel: CHANNELS.incidents });
    const incident = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('Frankfurt edge down')), 10_000);
    const thread = () => emulator.thread(CHANNELS.incidents, incident.ts);
    const card = (ts: string) => blockText(thread().find((m) => m.ts === ts)!);
    // The card must be recorded on the incident before a plan can go to its thread: retry until it is.
    const plans: string[] = [];
    for (const [n, command] of [[1, 'purge-cdn'], [2, 'failover-dns api'], [3, 'failover-lb api --force']] as const) {
      let plan;
      for (let i = 0; i < 20 && !plan; i++) {
        await emulator.slashCommand({ command: '/dr', text: command, user: PEOPLE.alice, channel: CHANNELS.incidents });
        plan = await emulator.waitFor(() => thread().find((m) => m.text.startsWith(`Action #${n}`)), 8_000).catch(() => undefined);
      }
      expect(plan).toBeDefined();
      plans.push(plan!.ts);
      await emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: String(n), channel: CHANNELS.incidents });
    }
    await emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until the invalidation is Completed — InProgress/.test(card(plans[0]!)) ? true : undefined), 15_000);
    await emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until Route 53 reports the change INSYNC — PENDING/.test(card(plans[1]!)) ? true : undefined), 15_000);
    await emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until api-green's targets are healthy — 0\/1 healthy \(others initial\)/.test(card(plans[2]!)) ? true : undefined), 15_000);

    await first.kill9();
    const sent = { invalidations: cf.count('CreateInvalidation'), changes: r53.count('ChangeResourceRecordSets'), switches: elb.count('ModifyListener') };
    expect(sent).toEqual({ invalidations: 1, changes: 1, switches: 1 });
    expect((await actionRows()).map((r) => r.status)).toEqual(['running', 'running', 'running']);

    const second = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env });
    bots.push(second);
    emulator.botEndpoint = `http://127.0.0.1:${second.port}/slack/events`;
    await emulator.waitFor(() => thread().find((m) => m.text.includes('Action #1 (Purge the CDN) was interrupted during step 2, "Wait until the invalidation is Completed"')), 15_000);
    await emulator.waitFor(() => thread().find((m) => m.text.includes('Action #2 (Fail over DNS) was interrupted during step 2, "Wait until Route 53 reports the change INSYNC"')), 15_000);
    await emulator.waitFor(() => thread().find((m) => m.text.includes('Action #3 (Fail over the load balancer) was interrupted during step 2, "Wait until api-green\'s targets are healthy"')), 15_000);
    expect((await actionRows()).map((r) => [r.status, r.steps.map((s) => s.status)])).toEqual([
      ['interrupted', ['ok', 'interrupted']],
      ['interrupted', ['ok', 'interrupted', 'pending']],
      ['interrupted', ['ok', 'interrupted', 'pending']],
    ]);
    for (const ts of plans) await emulator.waitFor(() => (card(ts).includes('Interrupted') ? true : undefined), 10_000);
    expect(plans.some((ts) => /Confirm/.test(card(ts)))).toBe(false);

    // Nothing resumes: nothing re-sent, no more status checks, once the restarted bot has no work left queued.
    const checks = { cf: cf.count('GetInvalidation'), r53: r53.count('GetChange'), elb: elb.count('DescribeTargetHealth') };
    await workDrained();
    expect({ invalidations: cf.count('CreateInvalidation'), changes: r53.count('ChangeResourceRecordSets'), switches: elb.count('ModifyListener') }).toEqual(sent);
    expect({ cf: cf.count('GetInvalidation'), r53: r53.count('GetChange'), elb: elb.count('DescribeTargetHealth') }).toEqual(checks);
    expect(thread().filter((m) => m.text.includes('was interrupted'))).toHaveLength(3);
    expect(second.output()).not.toMatch(/"job failed/);
  }, 120_000);
});
