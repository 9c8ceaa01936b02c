import type { Queryable } from './db.js';

/** The recurring restore test's row, created once: a restart must not push its due time further out. */
export async function ensureRestoreSchedule(q: Queryable, kind: string, dueAt: Date): Promise<void> {
  await q.query(`INSERT INTO jobs (kind, key, due_at, payload) VALUES ($1, 'schedule', $2, '{"phase":"start"}') ON CONFLICT (kind, key) WHERE done_at IS NULL DO NOTHING`, [kind, dueAt]);
}

export async function recordRestoreTest(
  q: Queryable,
  r: { runKey: string; startedAt?: string; ok: boolean; snapshot?: string; restoreMs?: number; dataAgeMs?: number; detail?: string; incidentId?: number },
): Promise<void> {
  await q.query(
    `INSERT INTO restore_tests (run_key, started_at, finished_at, ok, snapshot, restore_ms, data_age_ms, detail, incident_id)
     VALUES ($1, COALESCE($2::timestamptz, now()), now(), $3, $4, $5, $6, $7, $8) ON CONFLICT (run_key) DO NOTHING`,
    [r.runKey, r.startedAt ?? null, r.ok, r.snapshot ?? null, r.restoreMs ?? null, r.dataAgeMs ?? null, r.detail ?? null, r.incidentId ?? null],
  );
}
