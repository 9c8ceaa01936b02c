import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataAdapter } from '../../src/infra/data/index.js';
import { PARTNERS_PRODUCTION, PARTNERS_SOURCE, procedureDatabase } from '../helpers/data-recovery-db.js';

// The partner copy's guard, at the adapter: data that changed between the plan and the run rolls the
// WHOLE copy back (every table), so what runs is what was confirmed.
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
let restored: Awaited<ReturnType<typeof procedureDatabase>>;
const data = new DataAdapter();
const TABLES = ['partners', 'partner_locations', 'partner_offers'];
const o = { bucketSize: 1000, samples: 3, statementTimeoutMs: 60_000 };

beforeAll(async () => {
  [prod, restored] = await Promise.all([procedureDatabase('drcopyprod', PARTNERS_PRODUCTION), procedureDatabase('drcopysrc', PARTNERS_SOURCE)]);
}, 60_000);
afterAll(async () => {
  await prod?.drop();
  await restored?.drop();
});

const counts = async () => ({ partners: await prod.count('partners'), locations: await prod.count('partner_locations'), offers: await prod.count('partner_offers') });

describe('copyPartners', () => {
  it('rows changed in the source after the plan: the copy of every table is rolled back, production untouched', async () => {
    const plan = await data.comparePartners(restored.url, prod.url, TABLES, o);
    if (!plan.ok) throw new Error(plan.problem);
    await restored.sql(`UPDATE partner_offers SET title = 'changed' WHERE id IN (1, 2)`); // two more "different" rows
    const before = await counts();
    await expect(
      data.copyPartners(restored.url, prod.url, plan.diffs.map((d) => ({ table: d.table, pk: d.pk, buckets: d.buckets, missing: d.missing, different: d.different })), { bucketSize: 1000, every: 1000, statementTimeoutMs: 60_000 }),
    ).rejects.toThrow(/the data changed since the plan, so the whole copy was rolled back: partners planned \+200 ~20, found \+200 ~20; .*partner_offers planned \+400 ~100, found \+400 ~102/);
    expect(await counts()).toEqual(before);
    expect((await prod.sql('SELECT name FROM partners WHERE id = 1005'))[0].name).toBe('Partner 1005 (corrupted)');
  }, 60_000);

  it('the same source refused whatever the URL: the identity is the server and the database', async () => {
    const r = await data.comparePartners(prod.url.replace('127.0.0.1', 'localhost'), prod.url, TABLES, o);
    expect(r).toEqual({ ok: false, problem: 'same-database' });
  });

  it('a source whose table has other columns is refused, naming both', async () => {
    await restored.sql('ALTER TABLE partner_offers ADD COLUMN valid_until date');
    const r = await data.comparePartners(restored.url, prod.url, TABLES, o);
    expect(r).toMatchObject({ ok: false, problem: 'shape', table: 'partner_offers' });
  });
});
