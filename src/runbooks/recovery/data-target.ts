/** What the data-recovery runbooks share: the platform database's URL and the policy's names for it. */
import { UserError } from '../../core/errors.js';
import type { Policy } from '../../policy.js';
import type { DataRecovery } from '../data-recovery-schema.js';
import type { ReplayNames } from '../../infra/data/replay.js';
import { missingVariable } from '../target-hints.js';
import type { RunbookContext } from '../types.js';

export function dataTarget(policy: Policy): { connectionEnv: string; data: DataRecovery } {
  const db = policy.targets.database;
  if (!db?.connectionEnv) throw new UserError('The policy names no platform database (`targets.database.connectionEnv` in dr-policy.yml), so there is no data to recover into.');
  if (!db.data) throw new UserError('The policy has no data-recovery section (`targets.database.data` in dr-policy.yml: the replay function, the audit and partner tables, the recovery sources), so the bot does not know what to touch.');
  return { connectionEnv: db.connectionEnv, data: db.data };
}

export function platformUrl(ctx: Pick<RunbookContext, 'infra'>, env: string): string {
  const url = ctx.infra.env(env);
  if (!url) throw missingVariable(env, 'targets.database.connectionEnv', 'how to reach the platform database');
  return url;
}

export const replayNames = (d: DataRecovery): ReplayNames => ({ fn: d.replay.function, audit: d.replay.auditTable, transactions: d.replay.transactionsTable, ledger: d.replay.ledgerTable });

/** 12345 → "12,345": row counts people compare at a glance. */
export const count = (n: number): string => n.toLocaleString('en-US');
