import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openPostgres, type Database } from '../../src/store/db.js';
import { Store } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { PageStore, type NewPage } from '../../src/store/pages.js';
import { createTestDatabase } from '../helpers/pg.js';

let pgdb: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let store: Store;
let pages: PageStore;
const at = new Date('2026-11-25T10:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

beforeAll(async () => {
  pgdb = await createTestDatabase('pages');
  db = openPostgres(pgdb.url, { max: 20 });
  await migrate(db);
  store = new Store(db);
  pages = new PageStore(db);
});
afterAll(async () => {
  await db.close();
  await pgdb.drop();
});

async function incident(): Promise<number> {
  const r = await store.incidents.declare({ level: 1, title: 'Payments down', description: '', services: [], drill: false, declaredBy: 'U0IC00001', commander: 'U0IC00001', at });
  return r.incident.id;
}

const page = (id: number, target: string, o: Partial<NewPage> = {}): NewPage => ({
  target, targetKind: 'team', tier: 0, team: target, userId: 'U0DBA0001', level: 1, reason: 'declared', drill: false, pagedBy: 'U0IC00001',
  dedupKey: `drbot-INC-${id}-${target}`, routes: [{ provider: 'pagerduty', route: 'PD_KEY' }, { provider: 'opsgenie', route: 'OG_KEY' }], dm: true, escalateAt: later(300_000), ...o,
});
const jobs = async (id: number) =>
  (await db.query<{ kind: string; key: string; done: boolean }>('SELECT kind, key, done_at IS NOT NULL AS done FROM jobs WHERE incident_id = $1 AND kind LIKE $2 ORDER BY id', [id, 'page%'])).rows;

describe('pages in PostgreSQL', () => {
  it('a page, its deliveries and its jobs are made together; the same group again (a retried declare, two replicas) is not paged twice', async () => {
    const id = await incident();
    const results = await Promise.all(Array.from({ length: 6 }, () => pages.create(id, [page(id, 'dba')], at)));
    expect(results.map((r) => r.created.length).reduce((a, b) => a + b)).toBe(1);
    expect(results.every((r) => r.created.length + r.existing.length === 1)).toBe(true);
    const rows = await jobs(id);
    expect(rows.filter((j) => j.kind === 'page_delivery')).toHaveLength(2);
    expect(rows.filter((j) => j.kind === 'page_dm')).toEqual([{ kind: 'page_dm', key: `${id}:U0DBA0001`, done: false }]);
    expect(rows.filter((j) => j.kind === 'page_escalation')).toEqual([{ kind: 'page_escalation', key: `${id}:dba`, done: false }]);
  });

  it('twenty simultaneous acknowledgements: one wins; one acknowledge per alert is queued; the escalation is cancelled', async () => {
    const id = await incident();
    const { created } = await pages.create(id, [page(id, 'dba'), page(id, 'core', { userId: 'U0INF0001' })], at);
    const dba = created.find((p) => p.target === 'dba')!;
    // the secondary's page belongs to the same group: acknowledging either acknowledges both
    const { created: [secondary] } = await pages.create(id, [page(id, 'dba', { tier: 1, userId: 'U0INF0001', routes: [], escalateAt: undefined })], later(1_000));
    await db.query("UPDATE page_deliveries SET status = 'sent' WHERE page_id = ANY($1::int[])", [[dba.id]]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pages.acknowledge([i % 2 ? dba.id : secondary!.id], `U0PERSON${i % 5}`, later(65_000))));
    const winners = results.filter((r) => r.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.map((p) => p.tier).sort()).toEqual([0, 1]);
    expect(winners[0]![0]!.ackMs).toBe(winners[0]![0]!.tier === 0 ? 65_000 : 64_000);
    const acks = await db.query<{ provider: string; dedup_key: string }>("SELECT provider, dedup_key FROM page_deliveries WHERE action = 'acknowledge' ORDER BY provider");
    expect(acks.rows).toEqual([
      { provider: 'opsgenie', dedup_key: `drbot-INC-${id}-dba` },
      { provider: 'pagerduty', dedup_key: `drbot-INC-${id}-dba` },
    ]);
    expect((await jobs(id)).find((j) => j.kind === 'page_escalation' && j.key === `${id}:dba`)!.done).toBe(true);
    expect((await jobs(id)).find((j) => j.kind === 'page_escalation' && j.key === `${id}:core`)!.done).toBe(false);
    // the core group was not touched
    expect((await pages.group(id, 'core'))[0]!.status).toBe('open');

    const closed = await pages.resolveIncident(id, later(120_000));
    expect(closed.map((p) => p.status)).toEqual(['resolved', 'resolved', 'resolved']);
    const resolves = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM page_deliveries d JOIN pages p ON p.id = d.page_id WHERE p.incident_id = $1 AND action = 'resolve'", [id]);
    // dba (sent) and core (still pending) each get resolve for both providers; the secondary had none
    expect(resolves.rows[0]!.n).toBe(4);
    expect(await pages.resolveIncident(id, later(130_000))).toEqual([]);
    expect((await jobs(id)).filter((j) => j.kind === 'page_escalation').every((j) => j.done)).toBe(true);
  });

  it('overrides: the ones not ended, latest last', async () => {
    await pages.addOverride({ team: 'dba', user: 'U0COM0001', startsAt: at, endsAt: later(3_600_000), by: 'U0DBA0001', at });
    await pages.addOverride({ team: 'dba', user: 'U0MGR0001', startsAt: at, endsAt: later(60_000), by: 'U0DBA0001', at: later(1) });
    expect((await pages.overrides(later(30_000))).map((o) => o.user)).toEqual(['U0COM0001', 'U0MGR0001']);
    expect((await pages.overrides(later(60_000))).map((o) => o.user)).toEqual(['U0COM0001']);
  });
});
