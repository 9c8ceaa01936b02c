/**
 * `/dr replay-transactions --since <time>`: the procedures' "Transaction Recovery". The plan is their SQL
 * (the last transaction known before the time, then the audit-log rows after it that need a replay) with
 * the count, the amount, the first and last row, and what an earlier run already replayed. The run replays
 * in batches, each one transaction that also marks its rows (infra/data/replay.ts), and stops at the last
 * row the plan showed.
 */
import { UserError } from '../../core/errors.js';
import { formatDuration } from '../../core/duration.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { AuditPoint, ReplayNames } from '../../infra/data/replay.js';
import type { Runbook } from '../types.js';
import { count, dataTarget, platformUrl, replayNames } from './data-target.js';

export interface ReplayArgs {
  /** ISO time, resolved by the command (a relative "1 hour ago" must not move between plan and Confirm). */
  since: string;
}

interface ReplayPlan {
  urlEnv: string;
  names: ReplayNames;
  since: string;
  lastKnownId: number | null;
  maxAuditId: number;
  pending: number;
  batchSize: number;
  statementTimeout: number;
}

const at = (p: AuditPoint) => `transaction #${p.transactionId} (audit row #${p.auditId}) at ${p.at.toISOString().replace('.000Z', 'Z')}`;

export const replayTransactions: Runbook<ReplayArgs, ReplayPlan> = {
  id: 'replay-transactions',
  title: 'Replay missing transactions',
  destructive: true,
  requestRoles: [INCIDENT_COMMANDER, 'dba'],
  approveRoles: [INCIDENT_COMMANDER, 'dba'],
  async plan(ctx, args) {
    const { connectionEnv, data } = dataTarget(ctx.policy);
    const since = new Date(args.since);
    const now = ctx.clock.now();
    if (Number.isNaN(since.getTime())) throw new UserError(`"${escapeMrkdwn(args.since)}" is not a time.`);
    if (since.getTime() > now.getTime()) throw new UserError(`--since ${since.toISOString()} is in the future; the transactions to replay are the ones after the last known one BEFORE the incident.`);
    if (now.getTime() - since.getTime() > data.replay.retention) {
      throw new UserError(`--since ${since.toISOString()} is older than the audit log's retention (${formatDuration(data.replay.retention)}, \`targets.database.data.replay.retention\`): rows that old are gone, so the plan would be incomplete.`);
    }
    const names = replayNames(data);
    const url = platformUrl(ctx, connectionEnv);
    let f;
    try {
      f = await ctx.infra.data.replayFacts(url, names, since, data.statementTimeout);
    } catch (err) {
      throw new UserError(`The platform database did not answer the replay query (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
    }
    const lastKnown = f.lastKnownId === null ? `none before ${since.toISOString()}: every flagged audit row counts` : `#${f.lastKnownId} (the newest before ${since.toISOString()})`;
    if (f.pending === 0 || f.maxAuditId === null) {
      throw new UserError(`Nothing to replay: no audit-log row after the last known transaction (${lastKnown}) needs a replay.` + (f.alreadyReplayed ? ` ${count(f.alreadyReplayed)} were replayed already.` : ''));
    }
    const data_: ReplayPlan = {
      urlEnv: connectionEnv,
      names,
      since: since.toISOString(),
      lastKnownId: f.lastKnownId,
      maxAuditId: f.maxAuditId,
      pending: f.pending,
      batchSize: data.replay.batchSize,
      statementTimeout: data.statementTimeout,
    };
    const warnings: string[] = [];
    if (f.alreadyReplayed > 0) warnings.push(`${count(f.alreadyReplayed)} rows after the last known transaction were replayed by an earlier run (the ledger ${names.ledger} says so); they are not replayed again.`);
    return {
      target: 'database',
      summary: `Replay ${count(f.pending)} transactions from ${names.audit} with ${names.fn}(transaction_data), ${data.replay.batchSize} per transaction; each row is marked replayed in its batch's transaction.`,
      facts: [
        ['Last known transaction', lastKnown],
        ['To replay', `${count(f.pending)} audit rows, amount total ${f.amount}`],
        ['First', at(f.first!)],
        ['Last', at(f.last!)],
        ['Already replayed', count(f.alreadyReplayed)],
        ['How', `${names.fn}(jsonb) in batches of ${data.replay.batchSize}, each batch one transaction that writes ${names.ledger} and clears needs_replay`],
      ],
      warnings,
      data: data_,
      // Which rows: the window and how many; a different count at Confirm is a different plan.
      fingerprint: { lastKnownId: f.lastKnownId, firstAuditId: f.first!.auditId, maxAuditId: f.maxAuditId, pending: f.pending },
    };
  },
  steps(plan) {
    const d = plan.data;
    const w = { lastKnownId: d.lastKnownId, maxAuditId: d.maxAuditId };
    return [
      {
        id: 'replay',
        title: `Replay ${count(d.pending)} transactions with ${d.names.fn}()`,
        async run(ctx) {
          const url = platformUrl(ctx, d.urlEnv);
          await ctx.infra.data.ensureLedger(url, d.names);
          const t0 = performance.now();
          const n = await ctx.infra.data.replayWindow(url, d.names, w, {
            batchSize: d.batchSize,
            by: 'dr-bot replay-transactions',
            statementTimeoutMs: d.statementTimeout,
            onBatch: (p) => ctx.progress(`${count(p.replayed)} of ${count(d.pending)} replayed (batch ${p.batch})`),
          });
          const s = (performance.now() - t0) / 1000;
          return `${count(n)} replayed in ${Math.ceil(n / d.batchSize)} batches, ${Math.round(n / Math.max(s, 0.001))}/s`;
        },
      },
      {
        id: 'verify',
        title: 'Verify every row of the plan is replayed and marked',
        async run(ctx) {
          const r = await ctx.infra.data.replayLeft(platformUrl(ctx, d.urlEnv), d.names, w);
          if (r.left > 0) throw new Error(`${count(r.left)} rows of the plan still need a replay`);
          return `0 left; the ledger holds ${count(r.marked)} rows after transaction #${d.lastKnownId ?? 0}`;
        },
      },
    ];
  },
};
