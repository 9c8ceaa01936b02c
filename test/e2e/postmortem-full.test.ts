import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/observability/logger.js';
import { describeEntry } from '../../src/comms/timeline-lines.js';
import { formatDuration } from '../../src/core/duration.js';
import { loadPolicy } from '../../src/policy.js';
import { targetsSchema } from '../../src/runbooks/policy-schema.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { OpsgeniePeer } from '../peers/opsgenie.js';
import { PagerDutyPeer, routingKey } from '../peers/pagerduty.js';

let h: Harness;
let pd: PagerDutyPeer;
let ops: OpsgeniePeer[];
let env: Record<string, string>;
const logLines: string[] = [];

beforeAll(async () => {
  pd = await new PagerDutyPeer().start();
  ops = [await new OpsgeniePeer('eu').start(), await new OpsgeniePeer('us').start()];
  const policy = loadPolicy('test/fixtures/policy-paging.yml');
  policy.paging.pagerduty.eventsUrl = pd.url;
  policy.paging.opsgenie = { euUrl: ops[0]!.url, usUrl: ops[1]!.url };
  policy.targets = targetsSchema.parse({ redis: { urlEnv: 'TEST_PM_REDIS_URL' } });
  policy.checklist = loadPolicy('dr-policy.yml').checklist.map((c) => ({ ...c, probe: undefined }));
  env = { PD_KEY_CORE: routingKey('core'), PD_KEY_DBA: routingKey('dba'), PD_KEY_MGMT: routingKey('mgmt'), OG_KEY: 'og-test-key-1', TEST_PM_REDIS_URL: 'redis://127.0.0.1:6379/12' };
  // Logged at debug, to prove no routing key or API key ever reaches a log line.
  const log = createLogger('debug', new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) }));
  h = await startHarness({ policy, env, log, scheduler: { tickMs: 50, leaseMs: 5_000 } });
});
afterAll(async () => {
  await h?.stop();
  await pd?.stop();
  await Promise.all((ops ?? []).map((o) => o.stop()));
});

const kinds = async () => (await h.bot.store.timeline(1)).map((e) => e.kind);
const has = (k: string) => async () => (await kinds()).includes(k);

describe('a scripted incident with a page, an acknowledgement and a recovery action', () => {
  it('the postmortem holds every timeline event, in order, each with its time since the declaration', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Payments failing at checkout');
    const card = await h.emulator.waitFor(() => h.cards()[0]);
    await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs);
    // Page → acknowledge from the DM.
    const dm = await h.emulator.waitFor(() => Object.values(PEOPLE).flatMap((u) => h.emulator.messages(u)).find((m) => JSON.stringify(m.blocks ?? []).includes('page_acknowledge')), 10_000);
    const who = Object.values(PEOPLE).find((u) => h.emulator.messages(u).includes(dm))!;
    await h.emulator.clickButton({ user: who, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    await eventually(has('page_acknowledged'));
    await h.run(PEOPLE.dmitri, '/incident', 'update INC-1 Cache corrupted; flushing it');
    await eventually(has('update'));
    // A recovery action: flush the cache, confirmed by a second person (L1).
    await h.run(PEOPLE.ivan, '/dr', 'flush-cache 12 INC-1');
    const plan = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => JSON.stringify(m.blocks ?? []).includes('dr_action_confirm')), 10_000);
    const confirm = JSON.parse(JSON.stringify(plan.blocks)).flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === 'dr_action_confirm');
    await h.emulator.clickButton({ user: PEOPLE.alice, actionId: 'dr_action_confirm', value: confirm.value, channel: CHANNELS.incidents, messageTs: plan.ts });
    await eventually(has('action_succeeded'), 15_000);
    await h.run(PEOPLE.georgi, '/incident', 'comms internal INC-1');
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.georgi).find((v) => v.callback_id === 'incident_comms'));
    await h.emulator.submitView({ user: PEOPLE.georgi, viewId: view.id });
    await eventually(has('comms_prepared'));
    await h.run(PEOPLE.alice, '/incident', 'resolve INC-1 Cache flushed, payments flowing');
    await eventually(has('resolved'));
    await eventually(async () => (await h.bot.store.checklist.list(1)).length > 0);
    const checklist = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('post-recovery checklist')));
    const ids = (await h.bot.store.checklist.list(1)).map((i) => i.itemId);
    await h.emulator.clickButton({ user: PEOPLE.dmitri, channel: CHANNELS.incidents, messageTs: checklist.ts, actionId: 'checklist_toggle_0', selectedOptions: ids });
    await eventually(has('closed'));

    await h.run(PEOPLE.alice, '/incident', 'timeline INC-1');
    const file = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.files?.[0]?.name === 'INC-1-postmortem.md'));
    const md = file.files![0]!.content!;
    const rows = md.split('## Timeline')[1]!.split('\n## ')[0]!.split('\n').filter((l) => /^\| \d\d:/.test(l));
    const timeline = await h.bot.store.timeline(1);
    const inc = (await h.bot.store.incidents.get(1))!;
    expect(rows).toHaveLength(timeline.length);
    for (const [i, e] of timeline.entries()) {
      const ms = e.at.getTime() - inc.declaredAt.getTime();
      const since = ms < 1000 ? '0 s' : formatDuration(ms);
      expect(rows[i]).toBe(`| ${e.at.toISOString().slice(11, 19)} | ${since} | ${describeEntry(e, h.bot.policy).text.replace(/\|/g, '\\|')} |`);
    }
    const order = ['declared', 'page_acknowledged', 'update', 'action_requested', 'action_approved', 'action_step', 'action_succeeded', 'comms_prepared', 'resolved', 'checklist_ticked', 'closed'];
    const seen = timeline.map((e) => e.kind).filter((k) => order.includes(k));
    expect([...new Set(seen)]).toEqual(order);
    // Pages come from their own table: who was paged, by which provider, and who acknowledged after how long.
    expect(md).toMatch(/\| paged at \(UTC\) \| who \| tier \| why \| acknowledged \| providers \|/);
    expect(md).toMatch(new RegExp(`→ @${who} \\| 0 \\| declared \\| @${who} after `));
    expect(md).toMatch(/pagerduty sent/);
    expect(inc.acknowledgedAt).not.toBeNull();
    // The same story on /metrics, read from PostgreSQL: actions and pages by outcome, time to acknowledge.
    const metrics = await (await fetch(`http://127.0.0.1:${h.port}/metrics`)).text();
    expect(metrics).toContain('drbot_actions{kind="flush-cache",status="succeeded"} 1');
    expect(metrics).toMatch(/drbot_pages\{status="resolved"\} \d+/);
    expect(metrics).toMatch(/drbot_page_deliveries\{provider="pagerduty",status="sent"\} \d+/);
    expect(metrics).toMatch(/drbot_page_ack_seconds\{quantile="0.5"\} [\d.]+/);
    const logged = logLines.join('');
    expect(logged.length).toBeGreaterThan(1_000);
    for (const secret of [env.PD_KEY_CORE!, env.PD_KEY_DBA!, env.PD_KEY_MGMT!, env.OG_KEY!]) expect(logged.includes(secret)).toBe(false);
    for (const section of ['## Pages and acknowledgements', '## Recovery actions', '## Communications', '## Post-recovery checklist']) expect(md).toContain(section);
  }, 60_000);
});
