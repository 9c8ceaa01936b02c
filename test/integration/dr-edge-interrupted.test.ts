import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { writeDrPolicy } from '../helpers/dr-policy.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { blockText } from '../helpers/slack-views.js';
import { CloudFrontPeer } from '../peers/cloudfront.js';

// The bot as an OS process, killed with SIGKILL while it waits for a CloudFront invalidation to complete.
const cf = new CloudFrontPeer();
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
  db = await createTestDatabase('dredgekill');
  const policy = writeDrPolicy({
    targets: { cdn: { distributionIdEnv: 'CDN_DISTRIBUTION_ID', primaryOrigin: 'web-primary', backupOrigin: 'web-backup', pollEvery: '200ms' } },
    actions: { heartbeatEvery: '200ms', staleAfter: '1500ms', staleCheckEvery: '500ms' },
  });
  env = { DR_POLICY: policy, SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '2000', AWS_ENDPOINT_URL_CLOUDFRONT: cf.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', CDN_DISTRIBUTION_ID: DIST };
}, 30_000);
afterAll(async () => {
  await Promise.all(bots.map((b) => b.kill9()));
  await emulator?.stop();
  await cf.close();
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

describe('kill -9 while waiting for CloudFront', () => {
  it('after a restart the purge is interrupted, announced once, and neither re-sent nor waited for again', async () => {
    const first = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env });
    bots.push(first);
    emulator.botEndpoint = `http://127.0.0.1:${first.port}/slack/events`;
    await emulator.slashCommand({ command: '/incident', text: 'declare L1 Stale assets everywhere', user: PEOPLE.alice, channel: CHANNELS.incidents });
    const incident = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('Stale assets everywhere')), 10_000);
    const thread = () => emulator.thread(CHANNELS.incidents, incident.ts);
    // The card must be recorded on the incident before the plan can go to its thread: retry until it is.
    let plan;
    for (let i = 0; i < 20 && !plan; i++) {
      await emulator.slashCommand({ command: '/dr', text: 'purge-cdn', user: PEOPLE.alice, channel: CHANNELS.incidents });
      plan = await emulator.waitFor(() => thread().find((m) => m.text.startsWith('Action #')), 8_000).catch(() => undefined);
    }
    expect(plan).toBeDefined();
    await emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '1', channel: CHANNELS.incidents });
    const card = () => blockText(thread().find((m) => m.ts === plan!.ts)!);
    await emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until the invalidation is Completed — InProgress/.test(card()) ? true : undefined), 15_000);

    await first.kill9();
    expect(cf.count('CreateInvalidation')).toBe(1);
    expect((await actionRow()).status).toBe('running');

    const second = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env });
    bots.push(second);
    emulator.botEndpoint = `http://127.0.0.1:${second.port}/slack/events`;
    await emulator.waitFor(() => thread().find((m) => m.text.includes('Action #1 (Purge the CDN) was interrupted during step 2, "Wait until the invalidation is Completed"')), 15_000);
    const row = await actionRow();
    expect(row.status).toBe('interrupted');
    expect(row.steps.map((s) => s.status)).toEqual(['ok', 'interrupted']);
    await emulator.waitFor(() => (card().includes('Interrupted') ? true : undefined), 10_000);
    expect(card()).not.toMatch(/Confirm/);

    // Nothing resumes: no second invalidation, no more status checks. A quiet period is the claim here (no event marks "nothing happened").
    const checks = cf.count('GetInvalidation');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(cf.count('CreateInvalidation')).toBe(1);
    expect(cf.count('GetInvalidation')).toBe(checks);
    expect(cf.distributions.get(DIST)!.invalidations).toHaveLength(1);
    expect(thread().filter((m) => m.text.includes('was interrupted'))).toHaveLength(1);
    expect(second.output()).not.toMatch(/"job failed/);
  }, 90_000);
});
