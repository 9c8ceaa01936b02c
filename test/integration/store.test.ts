import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openPglite, openPostgres, type Database } from '../../src/store/db.js';
import { Store } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase } from '../helpers/pg.js';

let pgdb: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let store: Store;
const at = new Date('2026-11-25T10:00:00Z');
const base = { level: 2 as const, title: 'Primary database offline', description: '', services: [], drill: false, declaredBy: 'U0IC00001', commander: 'U0IC00001', at };

beforeAll(async () => {
  pgdb = await createTestDatabase('store');
  db = openPostgres(pgdb.url);
  await migrate(db);
  store = new Store(db);
});
afterAll(async () => {
  await db.close();
  await pgdb.drop();
});

describe('PostgreSQL is the source of truth', () => {
  it('migrating again, or from several connections at once, applies each migration once', async () => {
    const others = [openPostgres(pgdb.url), openPostgres(pgdb.url)];
    const applied = await Promise.all(others.map((o) => migrate(o)));
    expect(applied).toEqual([[], []]);
    await Promise.all(others.map((o) => o.close()));
  });

  it('parallel declares with one request key make one incident, with no gap in the numbers', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => store.incidents.declare({ ...base, requestKey: 'view:V1' })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
    const next = await store.incidents.declare({ ...base, title: 'Second' });
    expect(next.incident.id).toBe(results[0]!.incident.id + 1);
  });

  it('ten parallel resolves: exactly one wins, one timeline row', async () => {
    const { incident } = await store.incidents.declare({ ...base, title: 'Race to resolve' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.incidents.resolve(incident.id, { by: `U00000${i}0`, summary: `by ${i}`, at })));
    expect(results.filter(Boolean)).toHaveLength(1);
    const rows = (await store.timeline(incident.id)).filter((e) => e.kind === 'resolved');
    expect(rows).toHaveLength(1);
    expect(await store.incidents.postUpdate(incident.id, { text: 'too late', by: 'U0IC00001', at })).toBeUndefined();
    expect(await store.incidents.changeLevel(incident.id, { level: 1, by: 'U0IC00001', at })).toBeUndefined();
  });

  it('parallel level changes to the same level record one change', async () => {
    const { incident } = await store.incidents.declare({ ...base, title: 'Escalate me' });
    const results = await Promise.all(Array.from({ length: 6 }, () => store.incidents.changeLevel(incident.id, { level: 1, by: 'U0IC00001', at })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.timeline(incident.id)).filter((e) => e.kind === 'level_changed')).toHaveLength(1);
  });

  it('the timeline is append-only', async () => {
    await expect(db.query('UPDATE timeline SET actor = $1', ['U0EVIL0001'])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM timeline')).rejects.toThrow(/append-only/);
  });

  it('ids and counts come back as numbers, not strings', async () => {
    const r = await db.query<{ n: unknown; id: unknown }>('SELECT count(*) AS n, max(id) AS id FROM timeline');
    expect(typeof r.rows[0]!.n).toBe('number');
    expect(typeof r.rows[0]!.id).toBe('number');
  });
});

describe('embedded PGlite', () => {
  it('runs the same migrations and store code', async () => {
    const lite = await openPglite(undefined);
    try {
      await migrate(lite);
      const s = new Store(lite);
      const { incident } = await s.incidents.declare({ ...base, requestKey: 'k' });
      expect((await s.incidents.declare({ ...base, requestKey: 'k' })).created).toBe(false);
      expect(await s.incidents.resolve(incident.id, { by: 'U0IC00001', summary: '', at })).toMatchObject({ status: 'resolved' });
      const n = await lite.query<{ n: unknown }>('SELECT count(*) AS n FROM timeline');
      expect(n.rows[0]!.n).toBe(2);
    } finally {
      await lite.close();
    }
  });
});
