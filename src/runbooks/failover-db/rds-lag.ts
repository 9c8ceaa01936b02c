/**
 * How far behind an RDS read replica is: over SQL when a connection to it is configured (bytes received but
 * not replayed, and the replay delay), else CloudWatch's `ReplicaLag` (seconds; -1 = replication not running).
 */
import type { DatabaseTarget, RdsTarget } from '../policy-schema.js';
import type { RunbookContext } from '../types.js';
import { bytes, type Replica } from './common.js';

export interface LagReading {
  source: 'sql' | 'cloudwatch' | 'none';
  bytes?: number;
  seconds?: number;
  /** CloudWatch's -1: the replica is not replicating (its source is down or replication stopped). */
  notReplicating?: boolean;
  /** Why a source was not used, shown on the plan. */
  notes: string[];
}

export async function readLag(ctx: RunbookContext, db: DatabaseTarget, t: RdsTarget, replica: Replica): Promise<LagReading> {
  const notes: string[] = [];
  const url = ctx.infra.env(replica.connectionEnv);
  if (url) {
    try {
      const st = await ctx.infra.postgres.status(await ctx.infra.sql(url, db.sql, t), 5_000);
      if (st.inRecovery) return { source: 'sql', bytes: st.lagBytes ?? 0, seconds: (st.replayDelayMs ?? 0) / 1000, notes };
      notes.push('SQL answers but the server is not in recovery');
    } catch (err) {
      notes.push(`SQL did not answer (${(err as Error).message})`);
    }
  }
  try {
    const cw = await ctx.infra.cloudwatch(t).replicaLag(replica.name, ctx.clock.now());
    if (cw.seconds === undefined) notes.push('CloudWatch has no ReplicaLag datapoint in the last 10 min');
    else if (cw.seconds < 0) return { source: 'cloudwatch', notReplicating: true, notes };
    else return { source: 'cloudwatch', seconds: cw.seconds, notes };
  } catch (err) {
    notes.push(`CloudWatch did not answer (${(err as Error).message})`);
  }
  return { source: 'none', notes };
}

export function lagText(l: LagReading): string {
  const extra = l.notes.length ? ` (${l.notes.join('; ')})` : '';
  if (l.source === 'sql') return `${bytes(l.bytes ?? 0)} received but not replayed, ${l.seconds!.toFixed(1)} s behind (SQL)${extra}`;
  if (l.source === 'cloudwatch') return l.notReplicating ? `ReplicaLag -1: not replicating (CloudWatch)${extra}` : `${l.seconds} s (CloudWatch ReplicaLag)${extra}`;
  return `unknown${extra}`;
}

/** The limits the reading is over, in words; empty when within them or unknown. */
export function overLimits(l: Pick<LagReading, 'bytes' | 'seconds'>, db: DatabaseTarget): string[] {
  const over: string[] = [];
  if (l.bytes !== undefined && l.bytes > db.maxLagBytes) over.push(`${bytes(l.bytes)} behind (limit ${bytes(db.maxLagBytes)})`);
  if (l.seconds !== undefined && l.seconds > db.maxLagSeconds) over.push(`${l.seconds.toFixed(1)} s behind (limit ${db.maxLagSeconds} s)`);
  return over;
}
