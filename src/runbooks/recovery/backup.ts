/**
 * `/dr verify-backup` ("Backup Verification"): the newest automated snapshot of the primary — does it
 * exist, is it `available`, is it younger than the policy's limit (24 h: the procedures' daily backup).
 */
import type { HealthResult } from '../../slack/blocks/health-card.js';
import { rdsTarget } from '../failover-db/rds.js';
import type { RunbookContext } from '../types.js';
import { rdsDatabase } from './restore-db.js';

const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`;

export async function verifyBackup(ctx: RunbookContext): Promise<{ results: HealthResult[]; totalMs: number; note: string }> {
  const db = rdsDatabase(ctx.policy);
  const t0 = performance.now();
  const snaps = await ctx.infra.rds(rdsTarget(ctx)).snapshots({ instance: db.primary, type: 'automated' });
  const ms = Math.round(performance.now() - t0);
  const note = `automated snapshots of ${db.primary} (DescribeDBSnapshots); limit ${hours(db.maxBackupAge)}`;
  const newest = snaps[0];
  if (!newest) return { results: [{ name: 'Newest automated snapshot', ok: false, ms, error: `RDS has no automated snapshot of ${db.primary}: backups are off or have never run` }], totalMs: ms, note };
  const age = newest.createdAt ? ctx.clock.now().getTime() - newest.createdAt.getTime() : Number.POSITIVE_INFINITY;
  const when = newest.createdAt ? newest.createdAt.toISOString().replace('.000Z', 'Z') : 'unknown time';
  const status: HealthResult = newest.status === 'available'
    ? { name: 'Newest automated snapshot', ok: true, ms, detail: `${newest.id} is available (${snaps.length} automated snapshot(s) in all)` }
    : { name: 'Newest automated snapshot', ok: false, ms, error: `${newest.id} is ${newest.status}, not available` };
  const fresh: HealthResult = age <= db.maxBackupAge
    ? { name: 'Backup age', ok: true, ms: 0, detail: `taken ${when}, ${hours(age)} ago (limit ${hours(db.maxBackupAge)})` }
    : { name: 'Backup age', ok: false, ms: 0, error: `taken ${when}, ${Number.isFinite(age) ? `${hours(age)} ago` : 'at an unknown time'}: older than the limit of ${hours(db.maxBackupAge)}` };
  return { results: [status, fresh], totalMs: ms, note };
}
