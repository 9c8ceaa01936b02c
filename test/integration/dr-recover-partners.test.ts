import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PARTNERS_PRODUCTION, PARTNERS_SOURCE, procedureDatabase } from '../helpers/data-recovery-db.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

// Two real PostgreSQL databases with the procedures' schema: a "restored" source with 100,000 partner rows,
// and production with planted gaps (data-recovery-db.ts says which).
let h: Harness;
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
let restored: Awaited<ReturnType<typeof procedureDatabase>>;
const d = actionDriver(() => h);

beforeAll(async () => {
  [prod, restored] = await Promise.all([procedureDatabase('drpartnersprod', PARTNERS_PRODUCTION), procedureDatabase('drpartnerssrc', PARTNERS_SOURCE)]);
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], connectionEnv: 'PLATFORM_DATABASE_URL',
          data: { partners: { sources: { restored: 'RESTORED_DATABASE_URL', mirror: 'MIRROR_DATABASE_URL' }, bucketSize: 1000, copyBatch: 5000 } },
        },
      },
    }),
    // "mirror" is production under another address: the URLs differ, the database is the same.
    env: { PLATFORM_DATABASE_URL: prod.url, RESTORED_DATABASE_URL: restored.url, MIRROR_DATABASE_URL: prod.url.replace('127.0.0.1', 'localhost') },
  });
  await d.declare(PEOPLE.alice, 'L1 Partner tables damaged');
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await prod?.drop();
  await restored?.drop();
});

const counts = async () => ({ partners: await prod.count('partners'), locations: await prod.count('partner_locations'), offers: await prod.count('partner_offers'), qr: await prod.count('qr_codes') });

async function qrReport(): Promise<string> {
  return d.answer(PEOPLE.dmitri, 'verify-qr');
}

describe('/dr recover-partners --from and /dr verify-qr on real PostgreSQL', () => {
  it('bad input, production as the source and people without the role are refused; nothing is stored or written', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'recover-partners')).toContain('From where?');
    expect(await d.answer(PEOPLE.dmitri, 'recover-partners --from backup')).toContain('Unknown source "backup". The policy lists: restored, mirror.');
    expect(await d.answer(PEOPLE.dmitri, 'recover-partners --from restored --all')).toContain('Unknown option --all');
    expect(await d.answer(PEOPLE.dmitri, 'recover-partners --from mirror')).toContain('The source "mirror" is the production database itself (same server, same database)');
    expect(await d.answer(PEOPLE.georgi, 'recover-partners --from restored')).toContain('Only an Incident Commander or a Database Administrator can use `/dr recover-partners`');
    expect(await d.answer(PEOPLE.georgi, 'verify-qr')).toContain('can use `/dr verify-qr`');
    expect(await d.answer(PEOPLE.dmitri, 'verify-qr now')).toContain('takes no arguments');
    expect(await d.actionCount()).toBe(0);
    expect(await counts()).toEqual({ partners: 19_801, locations: 38_800, offers: 39_600, qr: 19_961 });
  }, 60_000);

  it('verify-qr counts the codes whose partner is missing and the partners with no code', async () => {
    expect(await qrReport()).toContain(':x: *Partner QR codes*: 19,961 QR codes for 19,801 partners: 201 whose partner is missing, 41 partners with no code. `/dr regenerate-qr --missing-only`');
  });

  it('the plan compares by hash: per table the counts, what is inserted and updated, with samples', async () => {
    const before = h.emulator.ephemerals({ user: PEOPLE.dmitri }).length;
    await h.run(PEOPLE.dmitri, '/dr', 'recover-partners --from restored --dry-run');
    const plan = JSON.stringify(await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.dmitri }).slice(before)[0], 60_000));
    expect(plan).toContain('source 20,000 · production 19,801 · 200 missing → insert (e.g. #7, #107, #207) · 20 different → update (e.g. #5, #1005, #2005) · 1 only in production → left alone');
    expect(plan).toContain('source 40,000 · production 38,800 · 1,200 missing → insert (e.g. #3, #6, #53) · 0 different → update');
    expect(plan).toContain('source 40,000 · production 39,600 · 400 missing → insert (e.g. #6, #106, #206) · 100 different → update (e.g. #9, #409, #809)');
    expect(plan).toContain('Copy 1,920 rows from restored into production in one transaction: 1,800 inserted, 120 updated');
    expect(await d.actionCount()).toBe(0);
  }, 60_000);

  it('a second person confirms; the rows stream in one transaction; exact counts after, QR codes checked', async () => {
    await h.run(PEOPLE.alice, '/dr', 'recover-partners --from restored');
    const plan = await d.planCard(1);
    await d.confirm(PEOPLE.dmitri, 1);
    const text = await d.finished(plan.ts, 90_000);
    expect(text).toContain('Done in');
    expect(text).toContain('partners +200 ~20, partner_locations +1,200 ~0, partner_offers +400 ~100');
    expect(text).toContain('partners 20,001, partner_locations 40,000, partner_offers 40,000 rows; 0 missing, 0 different');
    expect(text).toContain('19,961 QR codes for 20,001 partners: 1 whose partner is missing, 41 partners with no code');
    expect(await counts()).toEqual({ partners: 20_001, locations: 40_000, offers: 40_000, qr: 19_961 });
    expect((await prod.sql('SELECT name FROM partners WHERE id = 1005'))[0].name).toBe('Partner 1005');
    expect((await prod.sql('SELECT name FROM partners WHERE id = 50001'))[0].name).toBe('New Cafe');
    expect(await restored.count('partners')).toBe(20_000); // the source is only read

    expect(await d.answer(PEOPLE.dmitri, 'recover-partners --from restored')).toContain('nothing to copy');
    expect(await d.actionCount()).toBe(1);
  }, 120_000);
});
