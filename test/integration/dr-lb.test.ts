import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { actionDriver } from '../helpers/dr-actions.js';
import { blockText } from '../helpers/slack-views.js';
import { eventually } from '../helpers/eventually.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { ElbPeer } from '../peers/elbv2.js';
import { closeServer, listenLocal } from '../peers/local-http.js';

// /dr failover-lb over signed HTTP, ELBv2 through its query-protocol peer (targets unused → initial →
// healthy as health checks pass, ModifyTargetGroup's limits, throttling and refusals on demand), and the
// service's health URL on a local HTTP server.
const elb = new ElbPeer();
let h: Harness;
const d = actionDriver(() => h);
let healthStatus = 200;
const health = http.createServer((_req, res) => res.writeHead(healthStatus).end('ok'));
let healthUrl = '';
const refusedTo = (user: string) => h.emulator.waitFor(() => h.emulator.ephemerals({ user }).find((e) => /need a second person/.test(e.text)), 15_000);
const targets = (prefix: string, n: number, failing = false) => Array.from({ length: n }, (_, i) => ({ id: `i-${prefix}${i}`, port: 8080, failing }));

const blue = elb.addGroup('api-blue', { targets: targets('blue', 3, true), inUseElsewhere: true });
const green = elb.addGroup('api-green', { targets: targets('green', 2), inUseElsewhere: true, interval: 30, timeout: 5 });
const webMain = elb.addGroup('web-main', { targets: targets('webm', 2, true) });
const webDr = elb.addGroup('web-dr', { targets: targets('webdr', 2), interval: 5, timeout: 4 });

beforeAll(async () => {
  await elb.start();
  const api = elb.addListener('boom-api', blue.arn);
  const web = elb.addListener('boom-web', webMain.arn);
  healthUrl = `http://127.0.0.1:${await listenLocal(health)}/health`;
  h = await startHarness({
    policy: drPolicy({
      targets: {
        loadBalancers: {
          pollEvery: '200ms',
          forceRoles: ['infrastructure_engineer'],
          services: {
            api: { listenerArnEnv: 'API_LISTENER_ARN', primaryTargetGroupArnEnv: 'API_BLUE_TG_ARN', backupTargetGroupArnEnv: 'API_GREEN_TG_ARN', healthUrl },
            web: { listenerArnEnv: 'WEB_LISTENER_ARN', primaryTargetGroupArnEnv: 'WEB_MAIN_TG_ARN', backupTargetGroupArnEnv: 'WEB_DR_TG_ARN' },
            admin: { listenerArnEnv: 'ADMIN_LISTENER_ARN', primaryTargetGroupArnEnv: 'ADMIN_TG_ARN', backupTargetGroupArnEnv: 'ADMIN_DR_TG_ARN' },
          },
        },
      },
    }),
    env: {
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url,
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      API_LISTENER_ARN: api.arn,
      API_BLUE_TG_ARN: blue.arn,
      API_GREEN_TG_ARN: green.arn,
      WEB_LISTENER_ARN: web.arn,
      WEB_MAIN_TG_ARN: webMain.arn,
      WEB_DR_TG_ARN: webDr.arn,
    },
  });
  await d.declare(PEOPLE.maria, 'L1 API targets failing health checks');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await elb.close();
  await closeServer(health);
});

describe('/dr failover-lb', () => {
  it('an unknown service or a variable that is not set is answered before anything is stored, naming the policy key', async () => {
    expect(await d.answer(PEOPLE.maria, 'failover-lb')).toContain('Name the service to fail over: the policy lists api, web, admin (`targets.loadBalancers.services`)');
    expect(await d.answer(PEOPLE.maria, 'failover-lb payments')).toMatch(/Unknown service "payments"[\s\S]*Usage: `\/dr failover-lb/);
    expect(await d.answer(PEOPLE.maria, 'failover-lb admin')).toContain('The environment variable ADMIN_LISTENER_ARN (the ARN of admin\'s listener; named by `targets.loadBalancers.services.admin.listenerArnEnv` in dr-policy.yml) is not set on the bot');
    expect(await d.actionCount()).toBe(0);
    expect(elb.calls).toHaveLength(0);
  });

  it('someone the policy does not allow is refused; a dry run shows both target groups\' health and the health-check change', async () => {
    expect(await d.answer(PEOPLE.georgi, 'failover-lb api')).toMatch(/:no_entry: Only .* can use `\/dr failover-lb`/);
    const before = h.emulator.ephemerals({ user: PEOPLE.maria }).length;
    await h.run(PEOPLE.maria, '/dr', 'failover-lb api --dry-run');
    const dry = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).slice(before).map((e) => JSON.stringify(e)).find((t) => t.includes('api-green')), 15_000);
    expect(dry).toContain('api-blue — 0/3 healthy (others unhealthy)');
    expect(dry).toContain('api-green — 2/2 healthy');
    expect(dry).toContain('api-green every 30 s → 5 s (timeout 5 s → 4 s: ELB wants it below the interval)');
    expect(await d.actionCount()).toBe(0);
    expect(elb.count('ModifyListener')).toBe(0);
  }, 30_000);

  it('L1: a second person confirms; interval to 5 s, listener switched, targets waited for through throttled checks, health URL checked', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-lb api');
    const plan = await d.planCard(1);
    await d.confirm(PEOPLE.maria, 1);
    expect((await refusedTo(PEOPLE.maria)).text).toContain('need a second person');
    expect(elb.count('ModifyTargetGroup')).toBe(0);
    elb.beforeNext('ModifyListener', () => elb.failNext('DescribeTargetHealth', 'Throttling', 'Rate exceeded', 400, 2));
    await d.confirm(PEOPLE.ivan, 1);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain(`${healthUrl} → 200; the listener forwards to api-green`);
    const mtg = elb.calls.find((c) => c.op === 'ModifyTargetGroup')!;
    expect(Object.fromEntries(new URLSearchParams(mtg.raw))).toMatchObject({ Version: '2015-12-01', TargetGroupArn: green.arn, HealthCheckIntervalSeconds: '5', HealthCheckTimeoutSeconds: '4' });
    const ml = elb.calls.find((c) => c.op === 'ModifyListener')!;
    expect(Object.fromEntries(new URLSearchParams(ml.raw))).toMatchObject({ 'DefaultActions.member.1.Type': 'forward', 'DefaultActions.member.1.TargetGroupArn': green.arn });
    expect(elb.calls.filter((c) => c.op === 'DescribeTargetHealth' && c.status === 400)).toHaveLength(2);
    expect(elb.calls.every((c) => c.signed)).toBe(true);
    expect([...elb.listeners.values()].find((l) => l.port === 443 && l.arn.includes('boom-api'))!.targetGroup).toBe(green.arn);
    expect(green).toMatchObject({ interval: 5, timeout: 4 });
    // Steps in order: the interval was set before the switch.
    expect(elb.calls.findIndex((c) => c.op === 'ModifyTargetGroup')).toBeLessThan(elb.calls.findIndex((c) => c.op === 'ModifyListener'));
  }, 60_000);

  it('a backup with no healthy target is refused; --force only by the policy\'s forceRoles; forced, the wait shows targets coming up', async () => {
    expect(await d.answer(PEOPLE.maria, 'failover-lb web')).toMatch(/web-dr has no healthy target \(0\/2 healthy \(others unused\)\): switching to it now sends traffic nowhere\. Ask again with `--force` \(infrastructure_engineer\)/);
    expect(await d.answer(PEOPLE.maria, 'failover-lb web --force')).toMatch(/--force: Only an Infrastructure Engineer can do that/);
    expect(await d.actionCount()).toBe(1);
    await h.run(PEOPLE.ivan, '/dr', 'failover-lb web --force');
    const plan = await d.planCard(2);
    expect(d.cardText(plan.ts)).toContain('Forced by the requester: web-dr has no healthy target now');
    elb.msPerSecond = 400; // 2 checks × 5 s: 4 s until the targets pass
    await d.confirm(PEOPLE.maria, 2);
    await h.emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until web-dr's targets are healthy — 0\/2 healthy \(others initial\), \d+ s so far/.test(d.cardText(plan.ts)) ? true : undefined), 15_000);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('the listener forwards to web-dr');
    expect(elb.count('ModifyTargetGroup')).toBe(1); // web-dr already checks every 5 s
  }, 60_000);

  it('a refusal mid-way stops the run and says what the listener was left on; the failback then runs', async () => {
    for (const t of blue.targets) t.failing = false;
    await h.run(PEOPLE.maria, '/dr', 'failover-lb api primary');
    const plan = await d.planCard(3);
    expect(d.cardText(plan.ts)).toContain('After: api-blue — 3/3 healthy');
    elb.failNext('ModifyListener', 'AccessDenied', 'User: arn:aws:iam::111122223333:user/dr-bot is not authorized to perform: elasticloadbalancing:ModifyListener', 403);
    await d.confirm(PEOPLE.ivan, 3);
    const failed = await d.finished(plan.ts);
    expect(failed).toMatch(/:x: 1\. Forward api's listener to api-blue \(ModifyListener\) — [\d.]+ s — \*The bot's AWS identity may not modify api's listener: its IAM policy lacks the permission.*Left: the listener still forwards to api-green\./);
    expect(failed).toMatch(/:black_small_square: 2\./);

    await h.run(PEOPLE.maria, '/dr', 'failover-lb api primary');
    const again = await d.planCard(4);
    await d.confirm(PEOPLE.ivan, 4);
    expect(await d.finished(again.ts)).toContain('Done in');
    expect([...elb.listeners.values()].find((l) => l.arn.includes('boom-api'))!.targetGroup).toBe(blue.arn);
    expect(elb.count('ModifyTargetGroup')).toBe(1); // a failback leaves the health checks alone
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

  it('/dr health and the post-recovery checklist show which target group each listener forwards to, and its health', async () => {
    const line = await healthLines(PEOPLE.georgi);
    expect(line('Load balancer api')).toMatch(/^:white_check_mark: .*forwards to api-blue \(primary\) · 3\/3 healthy/);
    expect(line('Load balancer web')).toMatch(/^:white_check_mark: .*forwards to web-dr \(backup\) · 2\/2 healthy/);
    expect(line('Load balancer admin')).toMatch(/^:x: .*ADMIN_LISTENER_ARN is not set on the bot/);
    const item = await resolveAndProbe('Load balancer target groups healthy');
    expect(item).toMatchObject({ checkedAt: null });
    expect(JSON.stringify(item)).toContain('Load balancer api: forwards to api-blue (primary) · 3/3 healthy; Load balancer web: forwards to web-dr (backup) · 2/2 healthy; Load balancer admin: ADMIN_LISTENER_ARN is not set on the bot');
  }, 60_000);
});
