/**
 * The procedures' "Data Integrity Verification" and "Transaction Recovery" checks, judged against the
 * policy's thresholds (`targets.database.integrity`). Used by `/dr verify-integrity` on the platform
 * database and by `/dr restore-db` on the restored instance.
 */
import type { IntegrityRow } from '../../infra/integrity.js';
import type { Infra } from '../../infra/index.js';
import type { SqlTarget } from '../../infra/sql-access.js';
import type { Policy } from '../../policy.js';
import type { HealthResult } from '../../slack/blocks/health-card.js';
import type { DatabaseTarget } from '../policy-schema.js';

type Thresholds = DatabaseTarget['integrity'];

const DEFAULTS: Thresholds = { statementTimeout: 10_000, minTransactions24h: 0, maxOrphanedTransactions: 0, maxQrCodesWithoutPartner: 0, maxAuditPastLastKnown: 0 };

export const integrityThresholds = (policy: Policy): Thresholds => policy.targets.database?.integrity ?? DEFAULTS;

const NAMES: Record<IntegrityRow['id'], string> = {
  'transactions-24h': 'Transactions, last 24 h',
  'orphaned-transactions': 'Orphaned transactions',
  'qr-codes-without-partner': 'QR codes without a partner',
  'audit-past-last-known': 'Audit log past the last transaction',
};

function judge(row: IntegrityRow, t: Thresholds): HealthResult {
  const name = NAMES[row.id];
  if (row.error || row.count === undefined) {
    const e = row.error ?? { kind: 'error', message: 'no answer' };
    return { name, ok: false, ms: row.ms, error: e.kind === 'timeout' ? `timed out: ${e.message}` : `the query failed: ${e.message}` };
  }
  const n = row.count;
  const x = row.extra ?? {};
  const over = (max: number, what: string): HealthResult =>
    n <= max ? { name, ok: true, ms: row.ms, detail: `${n} ${what} (limit ${max})` } : { name, ok: false, ms: row.ms, error: `${n} ${what} (limit ${max})` };
  switch (row.id) {
    case 'transactions-24h': {
      const text = `${n} transactions, total ${x.total_amount ?? 0}, ${x.unique_users ?? 0} users, ${x.unique_partners ?? 0} partners (at least ${t.minTransactions24h} expected)`;
      return n >= t.minTransactions24h ? { name, ok: true, ms: row.ms, detail: text } : { name, ok: false, ms: row.ms, error: text };
    }
    case 'orphaned-transactions':
      return over(t.maxOrphanedTransactions, 'transactions whose user does not exist');
    case 'qr-codes-without-partner':
      return over(t.maxQrCodesWithoutPartner, 'QR codes whose partner does not exist');
    case 'audit-past-last-known':
      return over(t.maxAuditPastLastKnown, `audit-log entries for transactions the table does not have${n > 0 ? ` (up to #${x.newest}): replay them` : ''}`);
  }
}

/** Runs the SQL (read-only, statement timeout) and judges each result; a connection failure is thrown. */
export async function checkIntegrity(policy: Policy, infra: Infra, url: SqlTarget): Promise<{ results: HealthResult[]; totalMs: number }> {
  const t = integrityThresholds(policy);
  const t0 = performance.now();
  const rows = await infra.postgres.integrity(url, { statementTimeoutMs: t.statementTimeout });
  return { results: rows.map((r) => judge(r, t)), totalMs: Math.round(performance.now() - t0) };
}

/** One line for a step's detail or a failure: "4 checks healthy" / "2 of 4 unhealthy: Orphaned transactions: 2 …". */
export function integritySummary(results: HealthResult[]): { ok: boolean; text: string } {
  const bad = results.filter((r) => !r.ok);
  if (bad.length === 0) return { ok: true, text: `${results.length} integrity checks healthy` };
  return { ok: false, text: `${bad.length} of ${results.length} integrity checks unhealthy: ${bad.map((b) => `${b.name}: ${b.error}`).join('; ')}` };
}
