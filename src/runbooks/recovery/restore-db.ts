/**
 * `/dr restore-db snapshot <id|latest>` and `/dr restore-db pitr <time>` (the procedures' "Complete
 * Database Loss"): restore into a NEW instance named by the policy, wait until it is available, run the
 * integrity checks on it. Repointing the apps at it is a separate, separately confirmed action
 * (`/dr restore-db repoint`): a restore can be inspected before anyone moves traffic to it.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { Policy } from '../../policy.js';
import { rdsTimeout, type DatabaseTarget } from '../policy-schema.js';
import { explainRds } from '../rds-explain.js';
import { placeLike, placementFacts, placementParams, type PlannedPlacement } from './restore-placement.js';
import type { RunbookContext, Runbook, Step } from '../types.js';
import { rdsTarget } from '../failover-db/rds.js';
import { repointFact, repointPlans, repointStep, type RepointPlan } from '../failover-db/common.js';
import { checkIntegrity, integritySummary } from './integrity.js';
import { pitrSource } from './restore-pitr.js';
import { parseRestoreTime, resolveRestoreTime } from './restore-time.js';
import { rdsUnreachable } from '../target-hints.js';

import type { StepMeasure } from '../../core/recovery-measures.js';

export type RestoreArgs = { mode: 'snapshot'; snapshot: string } | { mode: 'pitr'; time: string };

interface RestorePlan {
  mode: 'snapshot' | 'pitr';
  target: string;
  snapshot?: string;
  source?: string;
  /** PITR of a deleted instance: its retained backups. */
  sourceResourceId?: string;
  time?: string;
  /** Snapshot mode: when the snapshot was taken (the restore point, for the RPO). */
  takenAt?: string;
  connectionEnv?: string;
  placement: PlannedPlacement;
}

export const RESTORE_ROLES = [INCIDENT_COMMANDER, 'dba'] as const;
const ROLES = RESTORE_ROLES;
const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const ago = (ms: number) => (ms < 7_200_000 ? `${Math.round(ms / 60_000)} min ago` : `${(ms / 3_600_000).toFixed(1)} h ago`);

export function rdsDatabase(policy: Policy): DatabaseTarget {
  const db = policy.targets.database;
  if (!db) throw new UserError('The policy has no database target (`targets.database` in dr-policy.yml), so there is nothing to restore.');
  if (db.provider !== 'rds') throw new UserError('`/dr restore-db` restores Amazon RDS backups; the policy\'s database is self-managed PostgreSQL (`provider: postgres`).');
  return db;
}

async function planRestore(ctx: RunbookContext, args: RestoreArgs) {
  const db = rdsDatabase(ctx.policy);
  const rds = ctx.infra.rds(rdsTarget(ctx));
  const target = db.restore.instance;
  const now = ctx.clock.now();
  const ask = <T>(what: string, p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw rdsUnreachable(ctx.infra, rdsTarget(ctx), what, err);
    });
  // A point in time outside the window is refused before anything else is looked at or stored.
  let data: RestorePlan;
  const facts: Array<[string, string]> = [];
  if (args.mode === 'pitr') {
    const t = args.time.trim().toLowerCase() === 'latest' ? undefined : parseRestoreTime(args.time);
    if (!t && args.time.trim().toLowerCase() !== 'latest') throw new UserError(`"${escapeMrkdwn(args.time)}" is not a time: use ISO 8601 (2024-01-15T10:00:00Z), "1 hour ago" or "latest".`);
    const src = await pitrSource(rds, db.primary, now, ask);
    // "latest" is the latest restorable time as of this plan: the time shown is the time sent.
    const at = t ? resolveRestoreTime(t, now) : src.latest;
    if (at > src.latest) {
      throw new UserError(`${iso(at)} is after the latest point RDS can restore ${escapeMrkdwn(db.primary)} to, ${iso(src.latest)} (${ago(now.getTime() - src.latest.getTime())}). Pick a time at or before it.`);
    }
    if (at < src.earliest) throw new UserError(`${iso(at)} is before the restorable window of ${escapeMrkdwn(db.primary)}: it keeps ${src.retentionDays ?? '?'} day(s) of backups, back to ${iso(src.earliest)}.`);
    facts.push(['Point in time', `${iso(at)} UTC (${ago(now.getTime() - at.getTime())})`], ['Window', `${iso(src.earliest)} to ${iso(src.latest)}`], ['Source', src.label]);
    data = {
      mode: 'pitr',
      target,
      source: 'instance' in src.ref ? src.ref.instance : undefined,
      sourceResourceId: 'resourceId' in src.ref ? src.ref.resourceId : undefined,
      time: iso(at),
      connectionEnv: db.restore.connectionEnv,
      placement: placeLike(src.instance, src, db.restore.placement, db.primary, src.instance ? 'source' : 'retained backups'),
    };
  } else {
    // `latest`: automated AND manual snapshots (the final snapshot RDS takes when an instance is deleted is manual).
    const snaps = args.snapshot === 'latest' ? await ask(`${db.primary}'s snapshots`, rds.snapshots({ instance: db.primary })) : await ask(args.snapshot, rds.snapshots({ id: args.snapshot }));
    const snap = args.snapshot === 'latest' ? snaps.find((s) => s.status === 'available') : snaps[0];
    if (!snap) throw new UserError(args.snapshot === 'latest' ? `RDS has no available snapshot of ${escapeMrkdwn(db.primary)}.` : `RDS has no snapshot "${escapeMrkdwn(args.snapshot)}". \`/dr verify-backup\` shows the newest one.`);
    if (snap.status !== 'available') throw new UserError(`Snapshot ${escapeMrkdwn(snap.id)} is ${escapeMrkdwn(snap.status)}; RDS restores only an available snapshot.`);
    facts.push(['Snapshot', `${snap.id} of ${snap.instance}, ${snap.type}, taken ${snap.createdAt ? `${iso(snap.createdAt)} (${ago(now.getTime() - snap.createdAt.getTime())})` : 'at an unknown time'}`]);
    const src = await ask(snap.instance, rds.describe(snap.instance));
    data = { mode: 'snapshot', target, snapshot: snap.id, takenAt: snap.createdAt ? iso(snap.createdAt) : undefined, connectionEnv: db.restore.connectionEnv, placement: placeLike(src, snap, db.restore.placement, snap.instance, 'snapshot') };
  }
  const existing = await ask(target, rds.describe(target));
  if (existing) throw new UserError(`${escapeMrkdwn(target)} already exists (${escapeMrkdwn(existing.status)}): RDS restores only into a new instance. Remove it, or name another one in targets.database.restore.instance.`);
  facts.push(['New instance', target], ...placementFacts(data.placement));
  const warnings = db.restore.connectionEnv ? [] : ['targets.database.restore.connectionEnv is not set: the integrity checks on the restored instance are skipped; run them by hand.'];
  return {
    target: 'database-restore',
    summary: `Restore ${data.mode === 'pitr' ? `${db.primary} as it was at ${data.time}` : `snapshot ${data.snapshot}`} into the new instance ${target}, wait until it is available and run the integrity checks on it. The apps are NOT moved: that is \`/dr restore-db repoint\`, confirmed on its own.`,
    facts,
    warnings,
    data,
    // A relative time ("1 hour ago") moves with the clock; what it restores from and into does not.
    fingerprint: { mode: data.mode, source: data.mode === 'pitr' ? data.source ?? null : null, snapshot: data.mode === 'snapshot' ? data.snapshot ?? null : null, into: target, intoExists: false },
  };
}

function restoreSteps(d: RestorePlan): Step[] {
  return [
    {
      id: 'restore',
      title: d.mode === 'pitr' ? `Restore ${d.source ?? `the retained backups ${d.sourceResourceId}`} at ${d.time} into ${d.target}` : `Restore snapshot ${d.snapshot} into ${d.target}`,
      async run(ctx) {
        const rds = ctx.infra.rds(rdsTarget(ctx));
        try {
          const p = placementParams(d.placement);
          const from = d.sourceResourceId ? { resourceId: d.sourceResourceId } : d.source!;
          const inst = d.mode === 'pitr' ? await rds.restoreToTime(from, d.target, new Date(d.time!), p) : await rds.restoreFromSnapshot(d.target, d.snapshot!, p);
          // The restore point against the incident's start is the RPO of this recovery (stored when the run ends).
          const point = d.mode === 'pitr' ? d.time : d.takenAt;
          if (point) ctx.state.measures = [{ kind: 'rpo', source: 'restore_point', restorePoint: point } satisfies StepMeasure];
          return `RDS accepted; ${inst.status}`;
        } catch (err) {
          throw explainRds(err, { doing: `restore into ${d.target}`, instance: d.mode === 'pitr' ? d.source : d.target, snapshot: d.snapshot, time: d.time });
        }
      },
    },
    {
      id: 'wait-available',
      title: `Wait until ${d.target} is available`,
      async run(ctx) {
        const t = rdsTarget(ctx);
        const inst = await ctx.infra
          .rds(t)
          .wait(d.target, { timeoutMs: rdsTimeout(t, 'restore'), pollMs: t.pollEvery, maxTransientErrors: t.maxTransientErrors, onProgress: (s, ms) => ctx.progress(`${s}, ${Math.round(ms / 1000)} s so far`) })
          .catch((err: unknown) => {
            throw explainRds(err, { doing: `check on ${d.target}`, instance: d.target });
          });
        if (inst.publiclyAccessible && !d.placement.publiclyAccessible) throw new Error(`${d.target} came up publicly accessible although the plan said no; do not repoint to it before fixing that`);
        return `available at ${inst.address ?? 'an unknown address'} in ${inst.subnetGroup ?? 'an unknown subnet group'}, ${inst.multiAZ ? 'Multi-AZ' : 'Single-AZ'}, ${inst.publiclyAccessible ? 'PUBLIC' : 'private'}`;
      },
    },
    {
      id: 'integrity',
      title: `Run the integrity checks on ${d.target}`,
      async run(ctx) {
        const url = ctx.infra.env(d.connectionEnv);
        if (!url) return 'skipped: no SQL connection to the restored instance is configured (targets.database.restore.connectionEnv)';
        const conn = await ctx.infra.sql(url, ctx.policy.targets.database?.sql, rdsTarget(ctx));
        const r = integritySummary((await checkIntegrity(ctx.policy, ctx.infra, conn)).results);
        if (!r.ok) throw new Error(r.text);
        return `${r.text}. To move the apps to it: \`/dr restore-db repoint\``;
      },
    },
  ];
}

export const restoreDb: Runbook<RestoreArgs, RestorePlan> = {
  id: 'restore-db',
  title: 'Restore the database',
  destructive: false, // a NEW instance: nothing existing is changed until the separate repoint
  requestRoles: ROLES,
  approveRoles: ROLES,
  plan: planRestore,
  steps: (plan) => restoreSteps(plan.data),
};

/** The repoint's plan: the restored instance's address and the deployments to move to it. */
interface RepointOnlyPlan {
  host: string;
  repoint: RepointPlan[];
}

/** `/dr restore-db repoint`: the apps to the restored instance, once it is available; moves traffic, so guarded as destructive. */
export const restoreDbRepoint: Runbook<Record<string, never>, RepointOnlyPlan> = {
  id: 'restore-db-repoint',
  title: 'Point the apps at the restored database',
  destructive: true,
  requestRoles: ROLES,
  approveRoles: ROLES,
  async plan(ctx) {
    const db = rdsDatabase(ctx.policy);
    const repoint = repointPlans(db, ctx.policy);
    if (repoint.length === 0) throw new UserError('The policy lists no deployments to repoint (targets.database.repoint).');
    const inst = await ctx.infra.rds(rdsTarget(ctx)).describe(db.restore.instance).catch((err: unknown) => {
      throw rdsUnreachable(ctx.infra, rdsTarget(ctx), db.restore.instance, err);
    });
    if (!inst) throw new UserError(`There is no restored instance ${escapeMrkdwn(db.restore.instance)} yet: \`/dr restore-db snapshot latest\` or \`/dr restore-db pitr <time>\` first.`);
    if (inst.status !== 'available' || !inst.address) throw new UserError(`${escapeMrkdwn(inst.id)} is ${escapeMrkdwn(inst.status)}; the apps are moved only to an available instance.`);
    return {
      target: 'database',
      summary: `Point ${repoint.length} deployment(s) at the restored instance ${inst.id} (${inst.address}) and wait for their rollouts.`,
      facts: [['Restored instance', `${inst.id} is available at ${inst.address}`], ...repointFact(repoint, inst.address)],
      warnings: ['Writes the apps made to the old database after the restore point are not in the restored one.'],
      data: { host: inst.address, repoint },
      fingerprint: { instance: inst.id, state: inst.status, host: inst.address },
    };
  },
  steps(plan) {
    const d = plan.data;
    return d.repoint.map((p) => repointStep(p, () => d.host));
  },
};
