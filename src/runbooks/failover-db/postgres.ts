/** Self-managed PostgreSQL: promote a streaming standby with pg_promote(), prove it takes writes, repoint. */
import { UserError } from '../../core/errors.js';
import type { StepMeasure } from '../../core/recovery-measures.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { DatabaseTarget } from '../policy-schema.js';
import type { RunbookContext, RunbookPlan, Step, StepContext } from '../types.js';
import { redactUrls } from '../../core/redact.js';
import { bytes, chooseReplica, lagBand, repointFact, repointPlans, repointStep, type RepointPlan } from './common.js';
import { missingVariable } from '../target-hints.js';

export interface PostgresPlanData {
  provider: 'postgres';
  replica: string;
  connectionEnv: string;
  host: string;
  waitSeconds: number;
  writeCheckTable: string;
  repoint: RepointPlan[];
}

function replicaUrl(ctx: RunbookContext, env: string, name: string): string {
  const url = ctx.infra.env(env);
  if (!url) throw missingVariable(env, 'targets.database.replicas[].connectionEnv', `how to reach ${escapeMrkdwn(name)}`);
  return url;
}

export async function planPostgres(ctx: RunbookContext, db: DatabaseTarget, replicaName: string | undefined): Promise<Omit<RunbookPlan<PostgresPlanData>, 'title'>> {
  const replica = chooseReplica(db, replicaName);
  const env = replica.connectionEnv!;
  const url = replicaUrl(ctx, env, replica.name);
  let st;
  try {
    st = await ctx.infra.postgres.status(url, 5_000);
  } catch (err) {
    throw new UserError(`Replica ${escapeMrkdwn(replica.name)} does not answer (${escapeMrkdwn((err as Error).message)}), so it cannot be promoted.`);
  }
  if (!st.inRecovery) {
    throw new UserError(`${escapeMrkdwn(replica.name)} is not in recovery: it is already a primary, so there is nothing to promote. \`/dr health\` shows the current state.`);
  }
  const host = replica.host ?? new URL(url).hostname;
  const warnings: string[] = [];
  const facts: Array<[string, string]> = [
    ['Replica', `${replica.name} (${host}) answers and is in recovery`],
    ['Replication', st.receiver ? `WAL receiver ${st.receiver}` : 'not connected to a primary (the primary is down or unreachable)'],
    ['Lag', `${bytes(st.lagBytes)} received but not replayed${st.replayDelayMs ? `, ${Math.round(st.replayDelayMs / 1000)} s behind` : ''}`],
  ];
  if (st.lagBytes !== null && st.lagBytes > db.maxLagBytes) {
    warnings.push(`The replica is ${bytes(st.lagBytes)} behind (limit ${bytes(db.maxLagBytes)}): it replays that before taking writes; writes it never received are lost.`);
  }
  let primaryState = 'not checked';
  const primaryUrl = ctx.infra.env(db.connectionEnv);
  if (primaryUrl && primaryUrl !== url) {
    try {
      const p = await ctx.infra.postgres.status(primaryUrl, 2_000);
      if (!p.inRecovery) {
        primaryState = 'takes writes';
        facts.push(['Primary', `${db.primary} still answers and takes writes`]);
        warnings.push(`${db.primary} is still up as a primary: after the promotion there are two primaries until it is stopped. Fence it first.`);
      } else {
        primaryState = 'in recovery';
        facts.push(['Primary', `${db.primary} answers but is in recovery`]);
      }
    } catch (err) {
      primaryState = 'down';
      facts.push(['Primary', `${db.primary} does not answer (${redactUrls((err as Error).message)})`]);
    }
  }
  const repoint = repointPlans(db, ctx.policy);
  facts.push(...repointFact(repoint, host));
  const data: PostgresPlanData = {
    provider: 'postgres',
    replica: replica.name,
    connectionEnv: env,
    host,
    waitSeconds: Math.ceil(db.promoteTimeout / 1000),
    writeCheckTable: db.writeCheckTable,
    repoint,
  };
  return {
    target: 'database',
    summary: `Promote ${replica.name} to primary with pg_promote(), check that it is out of recovery and takes a write${repoint.length ? `, then point ${repoint.length} deployment(s) at ${host}` : ''}.`,
    facts,
    warnings,
    data,
    fingerprint: {
      replica: replica.name,
      replicaState: 'in recovery',
      lagBand: lagBand(st.lagBytes, db.maxLagBytes),
      replicating: Boolean(st.receiver),
      primary: primaryState,
      host,
    },
  };
}

export function postgresSteps(plan: RunbookPlan<PostgresPlanData>): Step[] {
  const d = plan.data;
  const url = (ctx: StepContext) => replicaUrl(ctx, d.connectionEnv, d.replica);
  return [
    {
      id: 'promote',
      title: `Promote ${d.replica} (pg_promote)`,
      async run(ctx) {
        // The lag at the moment of promotion is this failover's RPO: what the standby had not replayed yet.
        const before = await ctx.infra.postgres.status(url(ctx), 5_000).catch(() => undefined);
        if (before?.inRecovery) ctx.state.measures = [{ kind: 'rpo', source: 'replication_lag', valueMs: before.replayDelayMs ?? 0, lagBytes: before.lagBytes } satisfies StepMeasure];
        const ok = await ctx.infra.postgres.promote(url(ctx), d.waitSeconds);
        if (!ok) throw new Error(`pg_promote did not finish within ${d.waitSeconds} s; the server may still be promoting`);
        return 'out of recovery';
      },
    },
    {
      id: 'verify',
      title: `Verify ${d.replica} is the new primary`,
      async run(ctx) {
        const st = await ctx.infra.postgres.status(url(ctx), 5_000);
        if (st.inRecovery) throw new Error(`${d.replica} is still in recovery`);
        const at = await ctx.infra.postgres.writeCheck(url(ctx), d.writeCheckTable, `dr-bot action`);
        return `pg_is_in_recovery() = false; a write to ${d.writeCheckTable} succeeded at ${at.toISOString().slice(11, 19)} UTC`;
      },
    },
    ...d.repoint.map((p) => repointStep(p, () => d.host)),
  ];
}
