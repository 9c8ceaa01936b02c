/**
 * `/dr verify-backup` ("Backup Verification"): the newest automated snapshot of the primary — does it
 * exist, is it `available`, is it younger than the policy's limit (24 h: the procedures' daily backup).
 * A snapshot still `creating` is today's backup in progress (the backup window), not a failure: the
 * newest available one is judged, and the one in progress is named.
 */
import type { HealthResult } from '../../slack/blocks/health-card.js';
import { rdsTarget } from '../failover-db/rds.js';
import type { RunbookContext } from '../types.js';
import { rdsDatabase } from './restore-db.js';

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;
const NAME = 'Newest automated snapshot';

export async function verifyBackup(ctx: RunbookContext): Promise<{ results: HealthResult[]; totalMs: number; note: string }> {
  const db = rdsDatabase(ctx.policy);
  const t0 = performance.now();
  const snaps = await ctx.infra.rds(rdsTarget(ctx)).snapshots({ instance: db.primary, type: 'automated' });
  const ms = Math.round(performance.now() - t0);
  const note = `automated snapshots of ${db.primary} (DescribeDBSnapshots); limit ${hours(db.maxBackupAge)}`;
  if (snaps.length === 0) return { results: [{ name: NAME, ok: false, ms, error: `RDS has no automated snapshot of ${db.primary}: backups are off or have never run` }], totalMs: ms, note };
  const inProgress = snaps[0]!.status === 'creating' ? snaps[0] : undefined;
  const newest = snaps.find((s) => s.status === 'available');
  const during = inProgress ? `; ${inProgress.id} is being created now (backup window)` : '';
  if (!newest) return { results: [{ name: NAME, ok: false, ms, error: `no automated snapshot of ${db.primary} is available (newest: ${snaps[0]!.id}, ${snaps[0]!.status})` }], totalMs: ms, note };
  const age = newest.createdAt ? ctx.clock.now().getTime() - newest.createdAt.getTime() : Number.POSITIVE_INFINITY;
  const when = newest.createdAt ? newest.createdAt.toISOString().replace('.000Z', 'Z') : 'unknown time';
  const status: HealthResult =
    newest === snaps[0] || inProgress
      ? { name: NAME, ok: true, ms, detail: `${newest.id} is available (${snaps.length} automated snapshot(s) in all)${during}` }
      : { name: NAME, ok: false, ms, error: `${snaps[0]!.id} is ${snaps[0]!.status}; the newest available one is ${newest.id}` };
  const fresh: HealthResult =
    age <= db.maxBackupAge
      ? { name: 'Backup age', ok: true, ms: 0, detail: `taken ${when}, ${hours(age)} ago (limit ${hours(db.maxBackupAge)})` }
      : { name: 'Backup age', ok: false, ms: 0, error: `taken ${when}, ${Number.isFinite(age) ? `${hours(age)} ago` : 'at an unknown time'}: older than the limit of ${hours(db.maxBackupAge)}` };
  return { results: [status, fresh], totalMs: ms, note };
}
