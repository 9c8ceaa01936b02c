import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { blockText } from '../helpers/slack-views.js';
import { eventually } from '../helpers/eventually.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { CloudFrontPeer } from '../peers/cloudfront.js';

// /dr purge-cdn and /dr cdn-origin over signed HTTP, CloudFront through its REST-XML peer (ETag/If-Match,
// InProgress → Completed / Deployed, throttling and refusals on demand).
const cf = new CloudFrontPeer();
const DIST = 'E2BOOMWEB01';
let h: Harness;
const d = actionDriver(() => h);
const ORIGINS = [{ id: 'web-primary', domain: 'origin.boomcard.bg' }, { id: 'web-backup', domain: 'backup-origin.boomcard.bg' }];

beforeAll(async () => {
  await cf.start();
  cf.deployMs = 1_500;
  cf.invalidateMs = 1_500;
  cf.add(DIST, { origins: ORIGINS, target: 'web-primary' });
  h = await startHarness({
    policy: drPolicy({
      targets: { cdn: { distributionIdEnv: 'CDN_DISTRIBUTION_ID', primaryOrigin: 'web-primary', backupOrigin: 'web-backup', pollEvery: '200ms' } },
    }),
    env: { AWS_ENDPOINT_URL_CLOUDFRONT: cf.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', CDN_DISTRIBUTION_ID: DIST },
  });
  await d.declare(PEOPLE.maria, 'L1 Web assets stale after the deploy');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await cf.close();
});

const refusedTo = (user: string) => h.emulator.waitFor(() => h.emulator.ephemerals({ user }).find((e) => /need a second person/.test(e.text)), 15_000);

describe('/dr purge-cdn', () => {
  it('bad paths and words are answered at once, naming the problem; nothing is stored and CloudFront is not asked', async () => {
    expect(await d.answer(PEOPLE.maria, 'purge-cdn index.html')).toMatch(/"index\.html" does not start with \/[\s\S]*Usage: `\/dr purge-cdn/);
    expect(await d.answer(PEOPLE.maria, 'purge-cdn /static/*.js')).toContain('has a * that is not its last character');
    expect(await d.answer(PEOPLE.maria, 'purge-cdn /a --force')).toContain('Unknown option --force');
    expect(await d.answer(PEOPLE.maria, 'cdn-origin sideways')).toMatch(/"sideways" is neither backup nor primary[\s\S]*Usage: `\/dr cdn-origin backup\|primary/);
    expect(await d.actionCount()).toBe(0);
    expect(cf.calls).toHaveLength(0);
  });

  it('someone the policy does not allow is refused before any plan; a dry run shows the plan and stores nothing', async () => {
    expect(await d.answer(PEOPLE.georgi, 'purge-cdn')).toMatch(/:no_entry: Only .* can use `\/dr purge-cdn`/);
    expect(await d.answer(PEOPLE.georgi, 'cdn-origin backup')).toMatch(/:no_entry: Only .* can use `\/dr cdn-origin`/);
    const before = h.emulator.ephemerals({ user: PEOPLE.maria }).length;
    await h.run(PEOPLE.maria, '/dr', 'purge-cdn /index.html /static/* --dry-run');
    const dry = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).slice(before).map((e) => JSON.stringify(e)).find((t) => t.includes('CreateInvalidation')), 15_000);
    expect(dry).toContain('/index.html /static/*');
    expect(dry).toContain(`${DIST} (d${DIST.toLowerCase()}.cloudfront.net), Deployed, default behaviour → web-primary`);
    expect(await d.actionCount()).toBe(0);
    expect(cf.count('CreateInvalidation')).toBe(0);
  }, 30_000);

  it('L1: the requester alone cannot confirm; a second person can; the invalidation is waited for through throttled checks, with progress', async () => {
    await h.run(PEOPLE.maria, '/dr', 'purge-cdn');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toContain('Every cached object is dropped');
    await d.confirm(PEOPLE.maria, 1);
    expect((await refusedTo(PEOPLE.maria)).text).toContain('need a second person');
    expect(cf.count('CreateInvalidation')).toBe(0);

    // Throttled status checks from the invalidation on: the SDK (with its backoff) and the waiter ask again.
    cf.invalidateMs = 5_000;
    cf.beforeNext('CreateInvalidation', () => cf.failNext('GetInvalidation', 'Throttling', 'Rate exceeded', 400, 2));
    await d.confirm(PEOPLE.ivan, 1);
    await h.emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until the invalidation is Completed — InProgress, \d+ s so far/.test(d.cardText(plan.ts)) ? true : undefined), 15_000);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toMatch(/Completed: 1 path\(s\) purged/);
    const create = cf.calls.find((c) => c.op === 'CreateInvalidation')!;
    expect(create.path).toBe(`/2020-05-31/distribution/${DIST}/invalidation`);
    expect(create.raw).toMatch(/<CallerReference>dr-bot-action-1-\d+<\/CallerReference>/);
    expect(create.raw).toContain('<Paths><Quantity>1</Quantity><Items><Path>/*</Path></Items></Paths>');
    expect(cf.calls.filter((c) => c.op === 'GetInvalidation' && c.status === 400)).toHaveLength(2);
    expect(cf.calls.every((c) => c.signed)).toBe(true);
    expect(cf.distributions.get(DIST)!.invalidations).toHaveLength(1);
    cf.invalidateMs = 1_500;
  }, 60_000);

  it('the invalidation took effect but its answer was lost: the SDK asks again with the same CallerReference and gets the same invalidation, not a second one', async () => {
    const before = cf.distributions.get(DIST)!.invalidations.length;
    const creates = cf.count('CreateInvalidation');
    await h.run(PEOPLE.maria, '/dr', 'purge-cdn /app.js');
    const plan = await d.planCard(2);
    cf.loseNextAnswer('CreateInvalidation');
    await d.confirm(PEOPLE.ivan, 2);
    expect(await d.finished(plan.ts)).toContain('Done in');
    const calls = cf.calls.filter((c) => c.op === 'CreateInvalidation').slice(creates);
    expect(calls.map((c) => c.status)).toEqual([500, 201]);
    expect(calls[0]!.raw).toBe(calls[1]!.raw);
    expect(cf.distributions.get(DIST)!.invalidations.length).toBe(before + 1);
  }, 60_000);

  it('a refusal mid-way stops the run in plain words and says what was left', async () => {
    await h.run(PEOPLE.maria, '/dr', 'purge-cdn /index.html');
    const plan = await d.planCard(3);
    cf.beforeNext('CreateInvalidation', () => cf.failNext('GetInvalidation', 'AccessDenied', 'User: arn:aws:iam::111122223333:user/dr-bot is not authorized to perform: cloudfront:GetInvalidation', 403));
    await d.confirm(PEOPLE.ivan, 3);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Failed');
    expect(text).toMatch(/:x: 2\. Wait until the invalidation is Completed — [\d.]+ s — \*The bot's AWS identity may not check on invalidation I[0-9A-F]+: its IAM policy lacks the permission.*Left: invalidation I[0-9A-F]+ was accepted; CloudFront keeps processing it\./);
    expect(cf.distributions.get(DIST)!.invalidations).toHaveLength(3);
  }, 60_000);
});

describe('/dr cdn-origin', () => {
  it('switches the default behaviour to the backup origin with If-Match (a retry after a lost answer is recognised, not reported as a conflict), waits until Deployed, verifies; the rest of the config is untouched', async () => {
    const before = structuredClone(cf.distributions.get(DIST)!.config);
    const etag = cf.distributions.get(DIST)!.etag;
    await h.run(PEOPLE.maria, '/dr', 'cdn-origin backup');
    const plan = await d.planCard(4);
    const planText = d.cardText(plan.ts);
    expect(planText).toContain('Now: web-primary (origin.boomcard.bg)');
    expect(planText).toContain('After: web-backup (backup-origin.boomcard.bg)');
    expect(planText).toContain(`ETag: ${etag}`);
    cf.loseNextAnswer('UpdateDistribution');
    cf.deployMs = 4_000; // long enough for the paced card redraw to show InProgress on a loaded machine
    await d.confirm(PEOPLE.ivan, 4);
    await h.emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until the distribution is Deployed — InProgress, \d+ s so far/.test(d.cardText(plan.ts)) ? true : undefined), 15_000);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('Deployed, serving from web-backup');
    // The update took effect but its answer was lost: the SDK's second try meets PreconditionFailed (the ETag
    // moved), and the bot reads back that the distribution already serves from the planned origin.
    const updates = cf.calls.filter((c) => c.op === 'UpdateDistribution');
    expect(updates.map((c) => [c.status, c.headers['if-match']])).toEqual([[500, etag], [412, etag]]);
    expect(text).toContain('already serving from web-backup (an earlier try of this update took effect)');
    cf.deployMs = 1_500;
    expect(cf.target(DIST)).toBe('web-backup');
    const after = cf.distributions.get(DIST)!.config;
    expect({ ...after, DefaultCacheBehavior: { ...after.DefaultCacheBehavior, TargetOriginId: 'web-primary' } }).toEqual(before);
  }, 60_000);

  it('asking for the origin it already serves from is refused before a plan is stored', async () => {
    expect(await d.answer(PEOPLE.maria, 'cdn-origin backup')).toContain('already serves from web-backup');
    expect(await d.actionCount()).toBe(4);
  });

  it('changed by someone else before Confirm: nothing is done, a fresh plan with the new ETag is posted; confirmed, it fails back to the primary', async () => {
    await h.run(PEOPLE.maria, '/dr', 'cdn-origin primary');
    const voided = await d.planCard(5);
    cf.touch(DIST, (c) => (c.Comment = 'edited in the console'));
    const updates = cf.count('UpdateDistribution');
    await d.confirm(PEOPLE.ivan, 5);
    const said = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.ivan }).find((e) => e.text.includes('Nothing was done')), 15_000);
    expect(said.text).toMatch(/etag/i);
    expect(said.text).toContain('plan #6');
    expect(cf.count('UpdateDistribution')).toBe(updates);
    await h.emulator.waitFor(() => (/Void/.test(d.cardText(voided.ts)) ? true : undefined), 15_000);

    const plan = await d.planCard(6);
    expect(d.cardText(plan.ts)).toContain(`ETag: ${cf.distributions.get(DIST)!.etag}`);
    await d.confirm(PEOPLE.ivan, 6);
    expect(await d.finished(plan.ts)).toContain('Done in');
    expect(cf.target(DIST)).toBe('web-primary');
    expect(cf.distributions.get(DIST)!.config.Comment).toBe('edited in the console'); // kept, not overwritten
  }, 60_000);

  it('changed by someone else between the read and the update: PreconditionFailed, nothing overwritten, and the card says what it is now', async () => {
    await h.run(PEOPLE.maria, '/dr', 'cdn-origin backup');
    const plan = await d.planCard(7);
    cf.beforeNext('UpdateDistribution', () => cf.touch(DIST, (c) => (c.Comment = 'edited during the run')));
    await d.confirm(PEOPLE.ivan, 7);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Failed');
    expect(text).toMatch(/:x: 1\. Point the distribution at web-backup .*changed by someone else while the bot was changing it \(its ETag no longer matched If-Match\): nothing was overwritten/);
    expect(text).toMatch(/Now: serving from web-primary, ETag E[0-9A-F]+\. Left: still serving from web-primary/);
    expect(cf.calls.filter((c) => c.op === 'UpdateDistribution').at(-1)!.status).toBe(412);
    expect(cf.target(DIST)).toBe('web-primary');
    expect(cf.distributions.get(DIST)!.config.Comment).toBe('edited during the run');
  }, 60_000);

  it('a refusal while waiting for Deployed stops the run and says the update was accepted', async () => {
    await h.run(PEOPLE.maria, '/dr', 'cdn-origin backup');
    const plan = await d.planCard(8);
    cf.beforeNext('UpdateDistribution', () => cf.failNext('GetDistribution', 'AccessDenied', 'not authorized to perform: cloudfront:GetDistribution', 403));
    await d.confirm(PEOPLE.ivan, 8);
    const text = await d.finished(plan.ts);
    expect(text).toMatch(/:x: 2\. Wait until the distribution is Deployed — [\d.]+ s — \*The bot's AWS identity may not check on distribution E2BOOMWEB01.*Left: the update to web-backup was accepted; CloudFront keeps deploying it/);
    expect(text).toMatch(/:black_small_square: 3\./);
    expect(cf.target(DIST)).toBe('web-backup');
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

  it('/dr health and the post-recovery checklist show the distribution\'s status and which origin it serves from', async () => {
    await eventually(async () => cf.distributions.get(DIST)!.deployedAt < Date.now(), 15_000);
    const line = await healthLines(PEOPLE.georgi);
    expect(line('CDN distribution')).toMatch(new RegExp(`^:white_check_mark: .*${DIST} Deployed · serving from web-backup \\(backup\\)`));
    const item = await resolveAndProbe('CDN distribution deployed and serving');
    expect(item!.checkedAt).not.toBeNull();
    expect(JSON.stringify(item)).toContain(`CDN distribution: ${DIST} Deployed · serving from web-backup (backup)`);
  }, 60_000);
});
