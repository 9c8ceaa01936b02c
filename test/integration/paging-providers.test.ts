import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OpsgeniePager } from '../../src/paging/opsgenie.js';
import { PagerDutyPager } from '../../src/paging/pagerduty.js';
import { PagerError, type PageEvent } from '../../src/paging/port.js';
import { OpsgeniePeer } from '../peers/opsgenie.js';
import { PagerDutyPeer, routingKey } from '../peers/pagerduty.js';

const KEY = routingKey('dba');
const env: Record<string, string> = { PD_KEY: KEY, PD_SHORT: 'too-short', OG_KEY: 'og-key-1' };
const secret = (n: string) => env[n];

const event = (o: Partial<PageEvent> = {}): PageEvent => ({
  action: 'trigger',
  dedupKey: 'drbot-INC-7-dba',
  summary: 'INC-7 L1 Critical: Payments failing at checkout',
  severity: 'critical',
  priority: 'P1',
  source: 'dr-bot',
  team: 'DBA team',
  details: { incident: 'INC-7', level: 'L1 Critical' },
  link: 'https://boomcard.slack.com/archives/C0INCIDENT/p1764064800000100',
  ...o,
});

let pd: PagerDutyPeer;
let eu: OpsgeniePeer;
let us: OpsgeniePeer;
beforeAll(async () => {
  pd = await new PagerDutyPeer().start();
  eu = await new OpsgeniePeer('eu').start();
  us = await new OpsgeniePeer('us').start();
});
afterAll(async () => {
  await Promise.all([pd?.close(), eu?.close(), us?.close()]);
});
beforeEach(() => [pd, eu, us].forEach((p) => p.reset()));

const pagerduty = (timeoutMs = 2_000) => new PagerDutyPager({ eventsUrl: pd.url, secret, timeoutMs });
const opsgenie = () => new OpsgeniePager({ urls: { eu: eu.url, us: us.url }, secret, timeoutMs: 2_000 });

describe('PagerDuty adapter against the Events API v2 peer', () => {
  it('trigger carries routing key, dedup key, summary, source, severity, details and the Slack link; then acknowledge and resolve', async () => {
    await pagerduty().send({ routingKeyEnv: 'PD_KEY' }, event());
    await pagerduty().send({ routingKeyEnv: 'PD_KEY' }, event({ action: 'acknowledge' }));
    await pagerduty().send({ routingKeyEnv: 'PD_KEY' }, event({ action: 'resolve' }));
    const [trigger, ack, resolve] = pd.events();
    expect(trigger).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: 'drbot-INC-7-dba',
      payload: { summary: 'INC-7 L1 Critical: Payments failing at checkout', source: 'dr-bot', severity: 'critical', custom_details: { incident: 'INC-7' } },
      links: [{ href: 'https://boomcard.slack.com/archives/C0INCIDENT/p1764064800000100', text: 'Incident card in Slack' }],
    });
    expect(ack).toEqual({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'drbot-INC-7-dba' });
    expect(resolve).toEqual({ routing_key: KEY, event_action: 'resolve', dedup_key: 'drbot-INC-7-dba' });
  });

  it('keeps within the documented limits: summary ≤ 1024, dedup_key ≤ 255', async () => {
    await pagerduty().send({ routingKeyEnv: 'PD_KEY' }, event({ summary: 'x'.repeat(5_000), dedupKey: 'k'.repeat(400) }));
    const [e] = pd.events();
    expect(e!.payload.summary).toHaveLength(1024);
    expect(e!.dedup_key).toHaveLength(255);
  });

  it('a 400 is final and says why; a 5xx and no answer are worth retrying; a missing key is named, never shown', async () => {
    const refused = await pagerduty().send({ routingKeyEnv: 'PD_SHORT' }, event()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PagerError);
    expect(refused).toMatchObject({ retryable: false, status: 400, message: "400 Length of 'routing_key' is incorrect (should be 32 characters)" });
    expect(pd.requests[0]!.answered).toBe(400);

    pd.failNext(1, { status: 503, body: { status: 'unavailable', message: 'Service Unavailable' } });
    expect(await pagerduty().send({ routingKeyEnv: 'PD_KEY' }, event()).catch((e: unknown) => e)).toMatchObject({ retryable: true, status: 503 });
    pd.failNext(1, { status: 429, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' } });
    expect(await pagerduty().send({ routingKeyEnv: 'PD_KEY' }, event()).catch((e: unknown) => e)).toMatchObject({ retryable: true, status: 429 });

    pd.failNext(1, { timeout: true });
    const started = Date.now();
    const timedOut = await pagerduty(300).send({ routingKeyEnv: 'PD_KEY' }, event()).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ retryable: true, message: 'no answer within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(5_000);

    const missing = await pagerduty().send({ routingKeyEnv: 'PD_NOT_SET' }, event()).catch((e: unknown) => e);
    expect(missing).toMatchObject({ retryable: false, message: 'PD_NOT_SET is not set' });
  });

  it('the peer refuses what PagerDuty refuses', async () => {
    const post = (body: unknown) => fetch(`${pd.url}/v2/enqueue`, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const bad = await post({ routing_key: KEY, event_action: 'trigger', payload: { summary: 'x'.repeat(1025), source: '', severity: 'sev1' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.stringContaining('summary'), expect.stringContaining('source'), expect.stringContaining('severity')]));
    expect((await post({ routing_key: KEY, event_action: 'snooze', dedup_key: 'a' })).body.errors[0]).toContain('event_action');
    expect((await post({ routing_key: KEY, event_action: 'resolve', dedup_key: 'd'.repeat(256) })).status).toBe(400);
    const ok = await post({ routing_key: KEY, event_action: 'resolve', dedup_key: 'abc' });
    expect(ok).toEqual({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'abc' } });
  });
});

describe('Opsgenie adapter against the Alert API peer', () => {
  it('create goes to the region of the route with a GenieKey, alias, priority, responders; acknowledge and close by alias', async () => {
    const route = { apiKeyEnv: 'OG_KEY', region: 'eu' as const, responders: [{ type: 'team', name: 'DBA' }] };
    await opsgenie().send(route, event({ priority: 'P2', severity: 'error' }));
    await opsgenie().send(route, event({ action: 'acknowledge', note: 'Acknowledged in Slack by Dmitri' }));
    await opsgenie().send(route, event({ action: 'resolve' }));
    expect(us.requests).toHaveLength(0);
    expect(eu.requests.map((r) => r.headers.authorization)).toEqual(['GenieKey og-key-1', 'GenieKey og-key-1', 'GenieKey og-key-1']);
    expect(eu.calls().map((c) => [c.action, c.alias])).toEqual([['create', 'drbot-INC-7-dba'], ['acknowledge', 'drbot-INC-7-dba'], ['close', 'drbot-INC-7-dba']]);
    expect(eu.calls()[0]!.body).toMatchObject({ message: 'INC-7 L1 Critical: Payments failing at checkout', priority: 'P2', responders: [{ type: 'team', name: 'DBA' }], source: 'dr-bot' });
    expect(eu.alerts.get('drbot-INC-7-dba')!.status).toBe('closed');
  });

  it('message ≤ 130, cut between graphemes; responders only as the route declares them; a refused call carries the service message', async () => {
    await opsgenie().send({ apiKeyEnv: 'OG_KEY', region: 'us' }, event({ summary: 'y'.repeat(500) }));
    expect(us.calls()[0]!.body.message).toHaveLength(130);
    // No responders on the route: none invented from the team's display name (Opsgenie routes to the integration's team).
    expect(us.calls()[0]!.body).not.toHaveProperty('responders');
    await opsgenie().send({ apiKeyEnv: 'OG_KEY', region: 'us' }, event({ dedupKey: 'emoji', summary: `INC-7 ${'💥'.repeat(80)}` }));
    const message = us.calls()[1]!.body.message as string;
    expect(message.length).toBeLessThanOrEqual(130);
    expect(message).toMatch(/^INC-7 (💥)+…$/u);
    us.apiKeys.add('another-key');
    const refused = await opsgenie().send({ apiKeyEnv: 'OG_KEY', region: 'us' }, event()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: false, status: 401, message: '401 Could not authenticate' });
    us.apiKeys.clear();
  });

  it('the peer refuses what Opsgenie refuses', async () => {
    const post = (body: unknown, auth = 'GenieKey k') =>
      fetch(`${us.url}/v2/alerts`, { method: 'POST', headers: { authorization: auth }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await post({ message: 'x'.repeat(131) })).toMatchObject({ status: 422, body: { message: expect.stringContaining('130'), requestId: expect.any(String) } });
    expect((await post({ message: 'm', alias: 'a'.repeat(513) })).status).toBe(422);
    expect((await post({ message: 'm', priority: 'P9' })).status).toBe(422);
    expect((await post({ message: 'm' }, 'Bearer k')).status).toBe(401);
    expect(await post({ message: 'm', priority: 'P5' })).toMatchObject({ status: 202, body: { result: 'Request will be processed', took: expect.any(Number), requestId: expect.any(String) } });
  });
});
