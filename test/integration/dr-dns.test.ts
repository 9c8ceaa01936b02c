import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { blockText } from '../helpers/slack-views.js';
import { eventually } from '../helpers/eventually.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { DnsServer } from '../peers/dns-server.js';
import { Route53Peer } from '../peers/route53.js';

// /dr failover-dns over signed HTTP, Route 53 through its REST-XML peer (PENDING → INSYNC, all-or-nothing
// change batches, throttling and refusals on demand), and a local resolver for the optional DNS query.
const r53 = new Route53Peer();
const ZONE = 'Z0BOOMCARD01';
// Route 53 as a resolver sees it: the simple set, else the PRIMARY failover set (its health check passes
// here); an alias answers its target's addresses.
const LB_ADDRESSES: Record<string, string> = { 'dualstack.boom-fra.eu-central-1.elb.amazonaws.com.': '203.0.113.70', 'dualstack.boom-dub.eu-west-1.elb.amazonaws.com.': '198.51.100.70' };
const resolver = new DnsServer((name) => {
  const set = r53.get(ZONE, name, 'A') ?? r53.zones.get(ZONE)?.records.find((x) => x.name === name && x.type === 'A' && x.failover === 'PRIMARY');
  return set?.alias ? [LB_ADDRESSES[set.alias.dnsName.toLowerCase()]].filter((x): x is string => Boolean(x)) : (set?.values ?? []);
});
let h: Harness;
const d = actionDriver(() => h);
const refusedTo = (user: string) => h.emulator.waitFor(() => h.emulator.ephemerals({ user }).find((e) => /need a second person/.test(e.text)), 15_000);

beforeAll(async () => {
  await r53.start();
  r53.propagateMs = 1_500;
  r53.addZone(ZONE, 'boomcard.bg', [
    { name: 'api.boomcard.bg', type: 'A', ttl: 60, values: ['203.0.113.10'] },
    { name: 'partners.boomcard.bg', type: 'A', ttl: 300, values: ['203.0.113.30'] },
    // Failover routing: Route 53 answers the PRIMARY set while its health check passes, else the SECONDARY.
    { name: 'www.boomcard.bg', type: 'A', ttl: 60, values: ['203.0.113.50'], setIdentifier: 'www-frankfurt', failover: 'PRIMARY', healthCheckId: 'hc-fra-1' },
    { name: 'www.boomcard.bg', type: 'A', ttl: 60, values: ['198.51.100.60'], setIdentifier: 'www-dublin', failover: 'SECONDARY' },
    { name: 'origin.boomcard.bg', type: 'A', values: [], alias: { hostedZoneId: 'Z215JYRZR1TBD5', dnsName: 'dualstack.boom-fra.eu-central-1.elb.amazonaws.com.', evaluateTargetHealth: true } },
  ]);
  await resolver.start();
  h = await startHarness({
    policy: drPolicy({
      targets: {
        dns: {
          hostedZoneIdEnv: 'ROUTE53_ZONE_ID',
          pollEvery: '200ms',
          resolver: resolver.address,
          records: {
            api: { name: 'api.boomcard.bg', ttl: 60, primary: { values: ['203.0.113.10'] }, backup: { values: ['198.51.100.10'] } },
            partners: { name: 'partners.boomcard.bg', ttl: 300, primary: { values: ['203.0.113.30'] }, backup: { values: ['backup.boomcard.bg'] } },
            www: { name: 'www.boomcard.bg', setIdentifier: 'www-frankfurt', primary: { values: ['203.0.113.50'] }, backup: { values: ['198.51.100.50'] } },
            origin: {
              name: 'origin.boomcard.bg',
              primary: { alias: { hostedZoneId: 'Z215JYRZR1TBD5', dnsName: 'dualstack.boom-fra.eu-central-1.elb.amazonaws.com', evaluateTargetHealth: true } },
              backup: { alias: { hostedZoneId: '/hostedzone/Z32O12XQLNTSW2', dnsName: 'dualstack.boom-dub.eu-west-1.elb.amazonaws.com', evaluateTargetHealth: true } },
            },
          },
        },
        // Configured, but its variable is not set on the bot.
        cdn: { distributionIdEnv: 'CDN_DISTRIBUTION_ID', primaryOrigin: 'web-primary', backupOrigin: 'web-backup' },
      },
    }),
    env: { AWS_ENDPOINT_URL_ROUTE_53: r53.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', ROUTE53_ZONE_ID: ZONE },
  });
  await d.declare(PEOPLE.maria, 'L1 Frankfurt region unreachable');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await r53.close();
  await resolver.close();
});

describe('/dr failover-dns', () => {
  it('an unknown record, a stray word or a variable that is not set is answered before anything is stored, naming the policy key', async () => {
    expect(await d.answer(PEOPLE.maria, 'failover-dns')).toMatch(/Name the record to fail over: the policy lists api, partners, www, origin \(`targets\.dns\.records`\)/);
    expect(await d.answer(PEOPLE.maria, 'failover-dns shop')).toMatch(/Unknown record "shop"\. The policy lists: api, partners, www, origin \(`targets\.dns\.records`\)[\s\S]*Usage: `\/dr failover-dns/);
    expect(await d.answer(PEOPLE.maria, 'failover-dns api sideways')).toContain('"sideways" is neither backup nor primary');
    expect(await d.answer(PEOPLE.maria, 'purge-cdn')).toContain('The environment variable CDN_DISTRIBUTION_ID (the CloudFront distribution id; named by `targets.cdn.distributionIdEnv` in dr-policy.yml) is not set on the bot');
    expect(await d.actionCount()).toBe(0);
    expect(r53.calls).toHaveLength(0);
  });

  it('someone the policy does not allow is refused; a dry run shows before → after and how long caches may keep the old answer', async () => {
    expect(await d.answer(PEOPLE.georgi, 'failover-dns api')).toMatch(/:no_entry: Only .* can use `\/dr failover-dns`/);
    const before = h.emulator.ephemerals({ user: PEOPLE.maria }).length;
    await h.run(PEOPLE.maria, '/dr', 'failover-dns api --dry-run');
    const dry = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).slice(before).map((e) => JSON.stringify(e)).find((t) => t.includes('UPSERT')), 15_000);
    expect(dry).toContain('A 203.0.113.10 (TTL 60 s)');
    expect(dry).toContain('A 198.51.100.10 (TTL 60 s)');
    expect(dry).toContain('clients may keep the old answer for up to 60 s (its TTL)');
    expect(await d.actionCount()).toBe(0);
    expect(r53.count('ChangeResourceRecordSets')).toBe(0);
  }, 30_000);

  it('L1: a second person confirms; the UPSERT is waited for PENDING → INSYNC through throttled checks, read back, and asked of the resolver', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-dns api');
    const plan = await d.planCard(1);
    await d.confirm(PEOPLE.maria, 1);
    expect((await refusedTo(PEOPLE.maria)).text).toContain('need a second person');
    expect(r53.count('ChangeResourceRecordSets')).toBe(0);
    r53.propagateMs = 5_000; // outlasts the SDK's backoff on the throttled checks, so PENDING is seen
    r53.beforeNext('ChangeResourceRecordSets', () => r53.failNext('GetChange', 'Throttling', 'Rate exceeded', 400, 2));
    await d.confirm(PEOPLE.ivan, 1);
    await h.emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until Route 53 reports the change INSYNC — PENDING, \d+ s so far/.test(d.cardText(plan.ts)) ? true : undefined), 15_000);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain(`Route 53 has A 198.51.100.10 (TTL 60 s); ${resolver.address} answers 198.51.100.10`);
    const change = r53.calls.find((c) => c.op === 'ChangeResourceRecordSets')!;
    expect(change.path).toBe(`/2013-04-01/hostedzone/${ZONE}/rrset`);
    expect(change.raw).toContain('<Action>UPSERT</Action><ResourceRecordSet><Name>api.boomcard.bg.</Name><Type>A</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>198.51.100.10</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>');
    expect(r53.calls.filter((c) => c.op === 'GetChange' && c.status === 400)).toHaveLength(2);
    expect(r53.calls.every((c) => c.signed)).toBe(true);
    expect(r53.get(ZONE, 'api.boomcard.bg', 'A')!.values).toEqual(['198.51.100.10']);
    expect(resolver.queries.at(-1)).toEqual({ name: 'api.boomcard.bg.', type: 1 });
    r53.propagateMs = 1_500;
  }, 60_000);

  it('a change batch Route 53 refuses (InvalidChangeBatch) stops the run in plain words; no record changed', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-dns partners');
    const plan = await d.planCard(2);
    await d.confirm(PEOPLE.ivan, 2);
    const text = await d.finished(plan.ts);
    expect(text).toMatch(/:x: 1\. UPSERT partners\.boomcard\.bg\. A .*Route 53 refused the change batch\. A batch is all or nothing, so no record was changed; check targets\.dns \(Route 53: InvalidChangeBatch: \[Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address .*\]\)\. Left: A 203\.0\.113\.30 \(TTL 300 s\)/);
    expect(r53.get(ZONE, 'partners.boomcard.bg', 'A')!.values).toEqual(['203.0.113.30']);
  }, 60_000);

  it('a hosted zone Route 53 does not know is answered before anything is stored; throttling that outlasts the SDK\'s retries stops the run, nothing changed', async () => {
    r53.failNext('ListResourceRecordSets', 'NoSuchHostedZone', `No hosted zone found with ID: ${ZONE}`, 404);
    expect(await d.answer(PEOPLE.maria, 'failover-dns api')).toMatch(/Route 53 has no such hosted zone \(deleted, or another account\)\. Check the variable `targets\.dns\.hostedZoneIdEnv` names\. \(Route 53: NoSuchHostedZone: .*\)\. Nothing was planned\./);
    expect(await d.actionCount()).toBe(2);

    await h.run(PEOPLE.maria, '/dr', 'failover-dns api primary');
    const plan = await d.planCard(3);
    const changes = r53.count('ChangeResourceRecordSets');
    r53.failNext('ChangeResourceRecordSets', 'Throttling', 'Rate exceeded', 400, 3);
    await d.confirm(PEOPLE.ivan, 3);
    const text = await d.finished(plan.ts);
    expect(text).toMatch(/:x: 1\. UPSERT api\.boomcard\.bg\. A .*AWS kept throttling the bot's Route 53 calls \(the SDK asked again with backoff, in vain\); nothing was changed by this call\. Ask again in a minute.*Left: A 198\.51\.100\.10 \(TTL 60 s\)/);
    expect(r53.count('ChangeResourceRecordSets') - changes).toBe(3);
    expect(r53.get(ZONE, 'api.boomcard.bg', 'A')!.values).toEqual(['198.51.100.10']);
  }, 60_000);

  it('a refusal while waiting for INSYNC stops the run and says the change was accepted (Route 53 applies it: asking again finds the primary already in place)', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-dns api primary');
    const plan = await d.planCard(4);
    expect(d.cardText(plan.ts)).toContain('Before: A 198.51.100.10 (TTL 60 s)');
    r53.beforeNext('ChangeResourceRecordSets', () => r53.failNext('GetChange', 'AccessDenied', 'User: arn:aws:iam::111122223333:user/dr-bot is not authorized to perform: route53:GetChange', 403));
    await d.confirm(PEOPLE.ivan, 4);
    const failed = await d.finished(plan.ts);
    expect(failed).toMatch(/:x: 2\. Wait until Route 53 reports the change INSYNC — [\d.]+ s — \*The bot's AWS identity may not check on change C[0-9A-F]+: its IAM policy lacks the permission.*Left: the change was accepted; Route 53 keeps applying it/);
    expect(failed).toMatch(/:black_small_square: 3\. Verify/);
    expect(r53.get(ZONE, 'api.boomcard.bg', 'A')!.values).toEqual(['203.0.113.10']);
    expect(await d.answer(PEOPLE.maria, 'failover-dns api primary')).toContain('already points at the primary target');
  }, 60_000);


  it('a failover record set: the PRIMARY set is pointed at the backup, keeping its failover role and health check; the SECONDARY is untouched; a missing set is refused', async () => {
    const primary = r53.getSet(ZONE, 'www.boomcard.bg', 'A', 'www-frankfurt')!;
    r53.zones.get(ZONE)!.records = r53.zones.get(ZONE)!.records.filter((x) => x !== primary);
    expect(await d.answer(PEOPLE.maria, 'failover-dns www')).toContain('Route 53 has no www.boomcard.bg A set "www-frankfurt" (`targets.dns.records.www.setIdentifier`): a routing set is only changed, never created, by the bot.');
    r53.zones.get(ZONE)!.records.push(primary);

    await h.run(PEOPLE.maria, '/dr', 'failover-dns www');
    const plan = await d.planCard(5);
    expect(d.cardText(plan.ts)).toContain('Before: A 203.0.113.50 (TTL 60 s) [set www-frankfurt, failover PRIMARY, health check hc-fra-1]');
    expect(d.cardText(plan.ts)).toContain('After: A 198.51.100.50 (TTL 60 s) [set www-frankfurt, failover PRIMARY, health check hc-fra-1]');
    await d.confirm(PEOPLE.ivan, 5);
    expect(await d.finished(plan.ts)).toContain('Done in');
    const change = r53.calls.filter((c) => c.op === 'ChangeResourceRecordSets').at(-1)!;
    expect(change.raw).toContain('<Name>www.boomcard.bg.</Name><Type>A</Type><SetIdentifier>www-frankfurt</SetIdentifier><Failover>PRIMARY</Failover>');
    expect(change.raw).toContain('<HealthCheckId>hc-fra-1</HealthCheckId>');
    expect(r53.getSet(ZONE, 'www.boomcard.bg', 'A', 'www-frankfurt')).toMatchObject({ values: ['198.51.100.50'], failover: 'PRIMARY', healthCheckId: 'hc-fra-1' });
    expect(r53.getSet(ZONE, 'www.boomcard.bg', 'A', 'www-dublin')).toMatchObject({ values: ['198.51.100.60'], failover: 'SECONDARY' });
  }, 60_000);

  it('an alias record: switched to the backup load balancer without a TTL (Route 53 refuses one on an alias), the zone id sent bare', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-dns origin');
    const plan = await d.planCard(6);
    expect(d.cardText(plan.ts)).toContain('Before: A alias → dualstack.boom-fra.eu-central-1.elb.amazonaws.com.');
    expect(d.cardText(plan.ts)).toContain("Caches: clients may keep the old answer for up to the alias target's TTL");
    await d.confirm(PEOPLE.ivan, 6);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain(`${resolver.address} answers 198.51.100.70`);
    const change = r53.calls.filter((c) => c.op === 'ChangeResourceRecordSets').at(-1)!;
    expect(change.raw).toContain('<AliasTarget><HostedZoneId>Z32O12XQLNTSW2</HostedZoneId><DNSName>dualstack.boom-dub.eu-west-1.elb.amazonaws.com</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget>');
    expect(change.raw).not.toContain('<TTL>');
  }, 60_000);

  const healthLines = async (user: string) => {
    const before = h.emulator.ephemerals({ user }).length;
    await h.run(user, '/dr', 'health');
    const card = await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before).find((e) => e.text.startsWith('Health:')), 10_000);
    const text = blockText(card);
    return (name: string) => text.split('\n').find((l) => l.includes(`*${name}*`)) ?? `(no line for ${name})`;
  };
  const resolveAndProbe = async (text: string) => {
    await h.run(PEOPLE.maria, '/incident', 'resolve INC-1 Recovered');
    return eventually(async () => (await h.bot.store.checklist.list(1)).find((i) => i.text === text && (i.checkedAt || i.evidence)), 20_000);
  };

  it('/dr health and the post-recovery checklist show each record, which side it is on, and what the resolver answers', async () => {
    const line = await healthLines(PEOPLE.georgi);
    expect(line('DNS api')).toMatch(new RegExp(`^:white_check_mark: .*A 203\\.0\\.113\\.10 \\(TTL 60 s\\) \\(primary\\) · ${resolver.address.replace(/\./g, '\\.')} answers 203\\.0\\.113\\.10`));
    expect(line('DNS partners')).toMatch(/^:white_check_mark: .*A 203\.0\.113\.30 \(TTL 300 s\) \(primary\)/);
    expect(line('CDN distribution')).toMatch(/^:x: .*CDN_DISTRIBUTION_ID is not set on the bot/);
    const item = await resolveAndProbe('DNS records answer as planned');
    expect(item!.checkedAt).not.toBeNull();
    expect(JSON.stringify(item)).toContain('DNS api: A 203.0.113.10 (TTL 60 s) (primary)');
  }, 60_000);
});
