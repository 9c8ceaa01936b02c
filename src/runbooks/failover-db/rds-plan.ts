/**
 * The RDS failover's read-only preflight: the replica's state and replication health (StatusInfos), its lag
 * (refused above the policy's limits unless forced), the old primary, which writers move and which do not,
 * and what a previous, half-finished failover already did, so that only the remaining steps are proposed.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { RdsInstance } from '../../infra/rds.js';
import type { DatabaseTarget } from '../policy-schema.js';
import type { RunbookContext, RunbookPlan } from '../types.js';
import { chooseReplica, repointPlans, type RepointPlan } from './common.js';
import { fencePlans, fenceText } from './fence.js';
import { lagText, overLimits, readLag } from './rds-lag.js';
import { rdsTarget, type RdsPlanData } from './rds.js';
import { rdsUnreachable } from '../target-hints.js';

type Facts = Array<[string, string]>;

/** Replication problems RDS reports on a replica (StatusInfos "read replication": error, stopped, terminated). */
const replicationErrors = (i: RdsInstance): string[] =>
  i.statusInfos.filter((s) => !s.normal || /error|stopped|terminated/.test(s.status)).map((s) => `${s.type} ${s.status}${s.message ? `: ${s.message}` : ''}`);

/** Which repoint targets already point at `host` (a previous run got that far), and which writers nobody moves. */
async function writers(ctx: RunbookContext, db: DatabaseTarget, host: string, oldAddress: string | undefined) {
  const all = repointPlans(db, ctx.policy);
  const k8sTarget = ctx.policy.targets.kubernetes;
  if (!k8sTarget) return { todo: all, done: [] as RepointPlan[], unlisted: [] as string[] };
  const k8s = ctx.infra.kubernetes(k8sTarget);
  const todo: RepointPlan[] = [];
  const done: RepointPlan[] = [];
  for (const p of all) {
    const state = await k8s.get(p.namespace, p.deployment).catch(() => undefined);
    const containers = state ? (p.container ? [p.container] : Object.keys(state.env)) : [];
    const there = containers.length > 0 && containers.every((c) => state!.env[c]?.[p.env] === host);
    (there ? done : todo).push(p);
  }
  const unlisted: string[] = [];
  if (oldAddress) {
    for (const name of Object.keys(k8sTarget.deployments)) {
      if (all.some((p) => p.deployment === name && p.namespace === k8sTarget.namespace)) continue;
      const state = await k8s.get(k8sTarget.namespace, name).catch(() => undefined);
      const uses = state && Object.values(state.env).some((vars) => Object.values(vars).some((v) => v.includes(oldAddress)));
      if (uses) unlisted.push(`${k8sTarget.namespace}/${name}`);
    }
  }
  return { todo, done, unlisted };
}

export async function planRds(ctx: RunbookContext, db: DatabaseTarget, replicaName: string | undefined, forcedBy?: string): Promise<Omit<RunbookPlan<RdsPlanData>, 'title'>> {
  const replica = chooseReplica(db, replicaName);
  const t = rdsTarget(ctx);
  const rds = ctx.infra.rds(t);
  // A refusal that names what to set (AWS_REGION, credentials, provider: postgres) when RDS is not configured.
  const ask = <T>(what: string, p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw rdsUnreachable(ctx.infra, t, what, err);
    });
  const inst = await ask(replica.name, rds.describe(replica.name));
  if (!inst) throw new UserError(`RDS has no instance "${escapeMrkdwn(replica.name)}" in ${escapeMrkdwn(t.region)} (the policy lists it as a replica; a cross-region replica is not supported).`);
  const source = inst.replicaOf ?? (inst.replicaOfCluster ? `the Multi-AZ DB cluster ${inst.replicaOfCluster}` : undefined);
  const promote = source !== undefined;
  if (promote && inst.status === 'backing-up') throw new UserError(`${escapeMrkdwn(replica.name)} is taking a backup (backing-up); RDS refuses to promote until it finishes. Ask again when \`/dr health\` shows it available.`);
  if (promote && inst.status !== 'available') throw new UserError(`${escapeMrkdwn(replica.name)} is ${escapeMrkdwn(inst.status)}; RDS promotes only an available replica. Try again when it is.`);

  const facts: Facts = [];
  const warnings: string[] = [];
  const primary = await rds.describe(db.primary).catch((err: unknown) => {
    facts.push(['Old primary', `RDS did not answer about ${db.primary} (${(err as Error).message})`]);
    return null;
  });
  if (primary !== null) facts.push(['Old primary', primary ? `${primary.id} is ${primary.status}` : `${db.primary} does not exist any more`]);
  if (primary?.status === 'available' && promote) warnings.push(`${db.primary} is still available: stop the writes to it first (AWS: "stop any transactions from being written to the primary"), or what is written there after the promotion is lost.`);

  // The endpoint the apps get is the one on the card; the run checks RDS still gives the same one.
  const host = replica.host ?? inst.address ?? replica.name;
  const w = await writers(ctx, db, host, primary?.address);
  const standby = db.newReplica.replace('{new}', replica.name).replace('{old}', db.primary);
  const standbyExists = !promote && (await ask(standby, rds.describe(standby))) !== undefined;
  const lagData: RdsPlanData['lag'] = { source: 'none' };
  const replErrors = promote ? replicationErrors(inst) : [];

  if (promote) {
    facts.push(['Replica', `${inst.id} is ${inst.status}, replicating from ${source}`]);
    const lag = await readLag(ctx, db, t, replica);
    Object.assign(lagData, { source: lag.source, bytes: lag.bytes, seconds: lag.seconds, notReplicating: lag.notReplicating });
    facts.push(['Lag', lagText(lag)]);
    if (replErrors.length) {
      facts.push(['Replication', replErrors.join('; ')]);
      warnings.push(`RDS reports a replication problem on ${replica.name} (${replErrors.join('; ')}): it may be missing recent writes.`);
    }
    const over = overLimits(lag, db);
    if (over.length && !forcedBy) {
      throw new UserError(
        `${escapeMrkdwn(replica.name)} is ${over.join(' and ')}: promoting it now loses the writes it has not replayed. Wait for it to catch up, or ask again with \`--force\` (${db.forceRoles.join(' or ')}).`,
      );
    }
    if (over.length) warnings.push(`Forced past the lag limit by the requester: ${over.join(' and ')}. Writes the replica has not replayed are lost.`);
    if (lag.source === 'none') warnings.push('The replica lag is unknown: check it before confirming.');
    const retention = db.promotion.backupRetentionDays ?? (primary?.backupRetentionDays || undefined);
    facts.push([
      'Promotion',
      `RDS reboots ${replica.name} while promoting it (a brief outage of the replica) and then backs it up; backups kept ${retention ? `${retention} days (${db.promotion.backupRetentionDays ? 'policy' : `as ${db.primary}`})` : '1 day (the API default: the old primary could not be read)'}`,
    ]);
    if (!inst.backupRetentionDays) warnings.push(`${replica.name} keeps no automated backups of its own yet: AWS recommends a completed backup before promoting; its first one starts right after the promotion.`);
  } else {
    facts.push(['Already promoted', `${inst.id} is ${inst.status} and standalone: a previous failover got that far. Only the remaining steps are proposed.`]);
  }
  facts.push(['Endpoint', `${host}${inst.port ? `:${inst.port}` : ''} — what ${w.todo.length ? 'the deployments below are patched to' : 'the apps use'}`]);
  if (w.todo.length) facts.push(['Repoint', w.todo.map((p) => `${p.namespace}/${p.deployment} ${p.env} → ${host}`).join(', ')]);
  if (w.done.length) facts.push(['Already repointed', w.done.map((p) => `${p.namespace}/${p.deployment}`).join(', ')]);
  if (w.unlisted.length) {
    facts.push(['Not repointed', `${w.unlisted.join(', ')} (still set to ${primary?.address}; not in targets.database.repoint)`]);
    warnings.push(`${w.unlisted.join(', ')} will keep writing to the old primary: the policy does not list ${w.unlisted.length > 1 ? 'them' : 'it'} under targets.database.repoint.`);
  }
  const fence = await fencePlans(ctx, db).catch((err: unknown) => {
    throw new UserError(`Kubernetes did not answer about the deployments to fence (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
  });
  const fenceNow = fence.filter((f) => promote || f.fenced);
  if (fenceNow.length) facts.push(['Fence', fenceText(fenceNow)]);
  const unmoved = fenceNow.filter((f) => !repointPlans(db, ctx.policy).some((p) => p.namespace === f.namespace && p.deployment === f.deployment));
  if (unmoved.length) warnings.push(`${unmoved.map((f) => `${f.namespace}/${f.deployment}`).join(', ')} ${unmoved.length > 1 ? 'are' : 'is'} fenced but not repointed: scaled back, ${unmoved.length > 1 ? 'they write' : 'it writes'} to the old primary again.`);
  const multiAZ = db.promotion.multiAZ && !inst.multiAZ;
  if (multiAZ) facts.push(['Multi-AZ', `${replica.name} is Single-AZ; it is made Multi-AZ after the verify (RDS builds a standby; the instance stays available)`]);
  if (!promote && w.todo.length === 0 && standbyExists && !multiAZ && fenceNow.length === 0) {
    throw new UserError(`${escapeMrkdwn(replica.name)} is already the primary, every listed deployment points at ${escapeMrkdwn(host)}, and ${escapeMrkdwn(standby)} exists: nothing is left to do. \`/dr health\` shows the current state.`);
  }
  if (!replica.connectionEnv) warnings.push('No SQL connection is configured for this replica: the verify step trusts what RDS reports.');

  const data: RdsPlanData = {
    provider: 'rds',
    replica: replica.name,
    host,
    rdsAddress: inst.address,
    connectionEnv: replica.connectionEnv,
    newReplica: standby,
    writeCheckTable: db.writeCheckTable,
    repoint: w.todo,
    promote,
    backupRetentionDays: promote ? (db.promotion.backupRetentionDays ?? (primary?.backupRetentionDays || undefined)) : undefined,
    multiAZ,
    createStandby: !standbyExists,
    lag: lagData,
    replicationErrors: replErrors,
    forcedBy: forcedBy && overLimits(lagData, db).length ? forcedBy : undefined,
    fence: fenceNow,
    fingerprint: {
      replica: replica.name,
      status: inst.status,
      promote,
      host,
      rdsAddress: inst.address,
      lagOverLimit: overLimits(lagData, db).length > 0,
      lagKnown: lagData.source !== 'none',
      replicationBroken: replErrors.length > 0,
      repoint: w.todo.map((p) => `${p.namespace}/${p.deployment}`),
      fence: fenceNow.map((f) => `${f.namespace}/${f.deployment}:${f.fenced ? 'fenced' : f.replicas}`),
    },
  };
  const parts = [
    fenceNow.some((f) => !f.fenced) ? `scale ${fenceNow.length} writer(s) to 0` : '',
    promote ? `promote the RDS read replica ${replica.name} to a standalone primary, wait until it is available` : `finish the failover to ${replica.name}: wait until it is available`,
    w.todo.length ? `point ${w.todo.length} deployment(s) at ${host}` : '',
    'verify it',
    multiAZ ? 'make it Multi-AZ' : '',
    standbyExists ? '' : `create ${standby} as its new standby`,
  ].filter(Boolean);
  const summary = `${parts.join(', ')}.`;
  // The approval is bound to the stable facts only (lag over the limit or not, not the raw figure that moves every second).
  return { target: 'database', summary: summary[0]!.toUpperCase() + summary.slice(1), facts, warnings, data, fingerprint: flatFingerprint(data.fingerprint) };
}

/** The engine compares flat facts: lists become one string each, a missing address null. */
function flatFingerprint(f: RdsPlanData['fingerprint']): Record<string, string | number | boolean | null> {
  return { ...f, rdsAddress: f.rdsAddress ?? null, repoint: f.repoint.join(','), fence: f.fence.join(',') };
}
