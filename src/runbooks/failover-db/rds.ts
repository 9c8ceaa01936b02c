/**
 * Amazon RDS: PromoteReadReplica, wait until available (progress on the card), repoint the apps, verify
 * (over SQL when a connection is configured), then CreateDBInstanceReadReplica for a new standby.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { PlanRecord } from '../../store/actions.js';
import { rdsDefaults, type DatabaseTarget, type RdsTarget } from '../policy-schema.js';
import type { RunbookContext, Step, StepContext } from '../types.js';
import { chooseReplica, repointFact, repointPlans, repointStep, type RepointPlan } from './common.js';

export interface RdsPlanData {
  provider: 'rds';
  replica: string;
  host: string;
  connectionEnv?: string;
  newReplica: string;
  writeCheckTable: string;
  repoint: RepointPlan[];
}

export const rdsTarget = (ctx: RunbookContext): RdsTarget => ctx.policy.targets.rds ?? rdsDefaults;

export async function planRds(ctx: RunbookContext, db: DatabaseTarget, replicaName: string | undefined): Promise<Omit<PlanRecord, 'title'>> {
  const replica = chooseReplica(db, replicaName);
  const rds = ctx.infra.rds(rdsTarget(ctx));
  let inst;
  try {
    inst = await rds.describe(replica.name);
  } catch (err) {
    throw new UserError(`RDS did not answer about ${escapeMrkdwn(replica.name)} (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
  }
  if (!inst) throw new UserError(`RDS has no instance "${escapeMrkdwn(replica.name)}" (the policy lists it as a replica).`);
  if (!inst.replicaOf) throw new UserError(`${escapeMrkdwn(replica.name)} is not a read replica: it is already a primary, so there is nothing to promote.`);
  if (inst.status !== 'available') throw new UserError(`${escapeMrkdwn(replica.name)} is ${escapeMrkdwn(inst.status)}; RDS promotes only an available replica. Try again when it is.`);
  const facts: Array<[string, string]> = [
    ['Replica', `${inst.id} is ${inst.status}, replicating from ${inst.replicaOf}`],
    ['Endpoint', `${inst.address ?? 'unknown'}:${inst.port ?? ''}`],
  ];
  const warnings: string[] = [];
  let primaryState = 'unknown';
  try {
    const primary = await rds.describe(db.primary);
    primaryState = primary ? primary.status : 'gone';
    facts.push(['Primary', primary ? `${primary.id} is ${primary.status}` : `${db.primary} does not exist any more`]);
    if (primary?.status === 'available') warnings.push(`${db.primary} is still available: the apps move off a primary RDS reports healthy.`);
  } catch (err) {
    facts.push(['Primary', `RDS did not answer about ${db.primary} (${(err as Error).message})`]);
  }
  const host = replica.host ?? inst.address ?? replica.name;
  const repoint = repointPlans(db, ctx.policy);
  facts.push(...repointFact(repoint, host));
  const newReplica = db.newReplica.replace('{new}', replica.name).replace('{old}', db.primary);
  if (!replica.connectionEnv) warnings.push('No SQL connection is configured for this replica: the verify step trusts what RDS reports.');
  const data: RdsPlanData = { provider: 'rds', replica: replica.name, host, connectionEnv: replica.connectionEnv, newReplica, writeCheckTable: db.writeCheckTable, repoint };
  return {
    target: 'database',
    summary: `Promote the RDS read replica ${replica.name} to a standalone primary, wait until it is available${repoint.length ? `, point ${repoint.length} deployment(s) at it` : ''}, verify it, and create ${newReplica} as its new standby.`,
    facts,
    warnings,
    data: data as unknown as Record<string, unknown>,
    fingerprint: { replica: inst.id, replicaState: inst.status, replicaOf: inst.replicaOf ?? null, primary: primaryState, host },
  };
}

export function rdsSteps(plan: PlanRecord): Step[] {
  const d = plan.data as unknown as RdsPlanData;
  const host = (ctx: StepContext) => (ctx.state.host as string | undefined) ?? d.host;
  return [
    {
      id: 'promote',
      title: `Promote ${d.replica} (PromoteReadReplica)`,
      async run(ctx) {
        const inst = await ctx.infra.rds(rdsTarget(ctx)).promote(d.replica);
        return `RDS accepted; ${inst.status}`;
      },
    },
    {
      id: 'wait-available',
      title: `Wait until ${d.replica} is available`,
      async run(ctx) {
        const t = rdsTarget(ctx);
        const inst = await ctx.infra.rds(t).waitAvailable(d.replica, {
          timeoutMs: t.availableTimeout,
          pollMs: t.pollEvery,
          done: (i) => !i.replicaOf,
          onProgress: (status, ms) => ctx.progress(`${status}, ${Math.round(ms / 1000)} s so far`),
        });
        if (inst.address) ctx.state.host = inst.address;
        return `available, standalone, at ${inst.address ?? d.host}`;
      },
    },
    ...d.repoint.map((p) => repointStep(p, host)),
    {
      id: 'verify',
      title: `Verify ${d.replica} is the new primary`,
      async run(ctx) {
        const url = ctx.infra.env(d.connectionEnv);
        if (url) {
          const st = await ctx.infra.postgres.status(url, 5_000);
          if (st.inRecovery) throw new Error(`${d.replica} is still in recovery`);
          await ctx.infra.postgres.writeCheck(url, d.writeCheckTable, 'dr-bot action');
          return 'over SQL: not in recovery, a write succeeded';
        }
        const inst = await ctx.infra.rds(rdsTarget(ctx)).describe(d.replica);
        if (!inst || inst.status !== 'available' || inst.replicaOf) throw new Error(`RDS reports ${d.replica} as ${inst ? inst.status : 'missing'}`);
        return 'RDS reports it available and standalone (no SQL connection configured)';
      },
    },
    {
      id: 'new-standby',
      title: `Create ${d.newReplica} as the new standby`,
      async run(ctx) {
        const inst = await ctx.infra.rds(rdsTarget(ctx)).createReplica(d.newReplica, d.replica);
        return `${inst.id} is ${inst.status}; RDS keeps building it after this action ends`;
      },
    },
  ];
}
