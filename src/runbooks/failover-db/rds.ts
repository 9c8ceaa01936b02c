/**
 * Amazon RDS: PromoteReadReplica (keeping the old primary's backup retention), wait until the instance is
 * available and standalone, repoint the apps at the endpoint shown on the plan, verify (over SQL with the
 * policy's TLS/IAM when a connection is configured), optionally make it Multi-AZ, then create a new standby.
 * A failover that stopped half-way is finished by a fresh plan that proposes only what is left (rds-plan.ts).
 */
import type { StepMeasure } from '../../core/recovery-measures.js';
import { rdsDefaults, rdsTimeout, type RdsTarget } from '../policy-schema.js';
import { explainRds } from '../rds-explain.js';
import type { RunbookContext, RunbookPlan, Step, StepContext } from '../types.js';
import { repointStep, type RepointPlan } from './common.js';
import { fenceStep, unfenceStep, type FencePlan } from './fence.js';

export interface RdsPlanData {
  provider: 'rds';
  replica: string;
  /** What the apps are pointed at: exactly what the plan card showed. */
  host: string;
  /** The endpoint RDS gave at plan time; the run stops if it is different after the promotion. */
  rdsAddress?: string;
  connectionEnv?: string;
  newReplica: string;
  writeCheckTable: string;
  /** Only the deployments not already pointing at `host`. */
  repoint: RepointPlan[];
  /** False when a previous failover already promoted it (resumed by plan). */
  promote: boolean;
  backupRetentionDays?: number;
  multiAZ: boolean;
  createStandby: boolean;
  /** The lag the plan saw, for the card and the confirmation's fingerprint. */
  lag: { source: string; bytes?: number; seconds?: number; notReplicating?: boolean };
  replicationErrors: string[];
  /** Who forced the promotion past the lag limit, when someone did. */
  forcedBy?: string;
  /** Writers scaled to zero before the promotion and back after the repoint. */
  fence: FencePlan[];
  /**
   * The facts a confirmation must still find true (for the plan fingerprint at Confirm): the raw lag moves
   * every second, so what counts is whether it is over the limits, not its value.
   */
  fingerprint: { replica: string; status: string; promote: boolean; host: string; rdsAddress?: string; lagOverLimit: boolean; lagKnown: boolean; replicationBroken: boolean; repoint: string[]; fence: string[] };
}

export const rdsTarget = (ctx: RunbookContext): RdsTarget => ctx.policy.targets.rds ?? rdsDefaults;

const waitOpts = (ctx: StepContext, t: RdsTarget, op: 'promote' | 'modify' | 'createReplica') => ({
  timeoutMs: rdsTimeout(t, op),
  pollMs: t.pollEvery,
  maxTransientErrors: t.maxTransientErrors,
  onProgress: (line: string, ms: number) => ctx.progress(`${line}, ${Math.round(ms / 1000)} s so far`),
});

export function rdsSteps(plan: RunbookPlan<RdsPlanData>): Step[] {
  const d = plan.data;
  const steps: Step[] = d.fence.filter((f) => !f.fenced && d.promote).map(fenceStep);
  if (d.promote) {
    steps.push({
      id: 'promote',
      title: `Promote ${d.replica} (PromoteReadReplica${d.backupRetentionDays ? `, backups kept ${d.backupRetentionDays} days` : ''})`,
      async run(ctx) {
        // This failover's RPO: the lag the plan read (SQL, else CloudWatch), which Confirm re-checked within its band
        // moments ago; a fresh read here would add a CloudWatch call on the critical path.
        if (d.lag.seconds !== undefined) ctx.state.measures = [{ kind: 'rpo', source: 'replication_lag', valueMs: Math.round(d.lag.seconds * 1000), lagBytes: d.lag.bytes ?? null } satisfies StepMeasure];
        try {
          const inst = await ctx.infra.rds(rdsTarget(ctx)).promote(d.replica, { backupRetentionDays: d.backupRetentionDays });
          return `RDS accepted; ${inst.status}`;
        } catch (err) {
          throw explainRds(err, { doing: `promote ${d.replica}`, instance: d.replica });
        }
      },
    });
  }
  steps.push({
    id: 'wait-available',
    title: `Wait until ${d.replica} is available and standalone`,
    async run(ctx) {
      const t = rdsTarget(ctx);
      let inst;
      try {
        inst = await ctx.infra.rds(t).wait(d.replica, { ...waitOpts(ctx, t, 'promote'), done: (i) => !i.replicaOf && !i.replicaOfCluster });
      } catch (err) {
        throw explainRds(err, { doing: `check on ${d.replica}`, instance: d.replica });
      }
      if (d.rdsAddress && inst.address && inst.address !== d.rdsAddress) {
        throw new Error(`RDS now gives ${d.replica} the endpoint ${inst.address}, not ${d.rdsAddress} as planned; nothing was repointed. Ask for a new plan.`);
      }
      return `available, standalone, at ${inst.address ?? d.host}`;
    },
  });
  steps.push(...d.repoint.map((p) => repointStep(p, () => d.host)), ...d.fence.filter((f) => d.promote || f.fenced).map(unfenceStep));
  steps.push({
    id: 'verify',
    title: `Verify ${d.replica} is the new primary`,
    async run(ctx) {
      const t = rdsTarget(ctx);
      const url = ctx.infra.env(d.connectionEnv);
      if (url) {
        const conn = await ctx.infra.sql(url, ctx.policy.targets.database?.sql, t);
        const st = await ctx.infra.postgres.status(conn, 5_000);
        if (st.inRecovery) throw new Error(`${d.replica} is still in recovery`);
        await ctx.infra.postgres.writeCheck(conn, d.writeCheckTable, 'dr-bot action');
        const how = typeof conn === 'string' ? '' : ` (${conn.ssl ? 'TLS' : 'no TLS'}${conn.user ? `, IAM token as ${conn.user}` : ''})`;
        return `over SQL${how}: not in recovery, a write succeeded`;
      }
      const inst = await ctx.infra.rds(t).describe(d.replica);
      if (!inst || inst.status !== 'available' || inst.replicaOf) throw new Error(`RDS reports ${d.replica} as ${inst ? inst.status : 'missing'}`);
      return 'RDS reports it available and standalone (no SQL connection configured)';
    },
  });
  if (d.multiAZ) {
    steps.push({
      id: 'multi-az',
      title: `Make ${d.replica} Multi-AZ (ModifyDBInstance)`,
      async run(ctx) {
        const t = rdsTarget(ctx);
        try {
          await ctx.infra.rds(t).makeMultiAZ(d.replica);
          const inst = await ctx.infra.rds(t).wait(d.replica, { ...waitOpts(ctx, t, 'modify'), done: (i) => i.multiAZ });
          return `Multi-AZ in ${inst.availabilityZone ?? 'its AZ'} plus a standby`;
        } catch (err) {
          throw explainRds(err, { doing: `make ${d.replica} Multi-AZ`, instance: d.replica });
        }
      },
    });
  }
  if (d.createStandby) {
    steps.push({
      id: 'new-standby',
      title: `Create ${d.newReplica} as the new standby`,
      async run(ctx) {
        try {
          const inst = await ctx.infra.rds(rdsTarget(ctx)).createReplica(d.newReplica, d.replica);
          return `${inst.id} is ${inst.status}; RDS keeps building it after this action ends`;
        } catch (err) {
          throw explainRds(err, { doing: `create the read replica ${d.newReplica}`, instance: d.newReplica });
        }
      },
    });
  }
  return steps;
}
