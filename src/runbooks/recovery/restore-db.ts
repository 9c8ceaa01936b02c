/**
 * `/dr restore-db snapshot <id|latest>` and `/dr restore-db pitr <time>` (the procedures' "Complete
 * Database Loss"): restore into a NEW instance named by the policy, wait until it is available, run the
 * integrity checks on it. Repointing the apps at it is a separate, separately confirmed action
 * (`/dr restore-db repoint`): a restore can be inspected before anyone moves traffic to it.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import { rdsErrorCode } from '../../infra/rds.js';
import type { Policy } from '../../policy.js';
import type { DatabaseTarget } from '../policy-schema.js';
import type { RunbookContext, Runbook, Step } from '../types.js';
import { rdsTarget } from '../failover-db/rds.js';
import { repointFact, repointPlans, repointStep, type RepointPlan } from '../failover-db/common.js';
import { checkIntegrity, integritySummary } from './integrity.js';
import { parseRestoreTime, resolveRestoreTime } from './restore-time.js';

export type RestoreArgs = { mode: 'snapshot'; snapshot: string } | { mode: 'pitr'; time: string };

interface RestorePlan {
  mode: 'snapshot' | 'pitr';
  target: string;
  snapshot?: string;
  source?: string;
  time?: string;
  connectionEnv?: string;
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

/** RDS' refusals in plain words; the code and RDS' own message stay in brackets for whoever looks it up. */
function plainRdsError(err: unknown, d: RestorePlan): Error {
  const code = rdsErrorCode(err);
  const said = (err as Error).message;
  if (code === 'InvalidRestoreFault') return new Error(`RDS refused to restore to ${d.time}: that time is no longer inside the instance's restorable window (RDS: ${code}: ${said}). Ask for a new plan with a later time.`);
  if (code === 'DBInstanceAlreadyExists') return new Error(`an instance named ${d.target} already exists, so RDS did not restore over it (RDS: ${code})`);
  if (code === 'DBSnapshotNotFound') return new Error(`the snapshot ${d.snapshot} is gone (RDS: ${code}: ${said})`);
  return err as Error;
}

async function planRestore(ctx: RunbookContext, args: RestoreArgs) {
  const db = rdsDatabase(ctx.policy);
  const rds = ctx.infra.rds(rdsTarget(ctx));
  const target = db.restore.instance;
  const now = ctx.clock.now();
  const ask = <T>(what: string, p: Promise<T>) =>
    p.catch((err: unknown) => {
      throw new UserError(`RDS did not answer about ${escapeMrkdwn(what)} (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
    });
  // A point in time outside the window is refused before anything else is looked at or stored.
  let data: RestorePlan;
  const facts: Array<[string, string]> = [];
  if (args.mode === 'pitr') {
    const t = parseRestoreTime(args.time);
    if (!t) throw new UserError(`"${escapeMrkdwn(args.time)}" is not a time: use ISO 8601 (2024-01-15T10:00:00Z) or "1 hour ago".`);
    const at = resolveRestoreTime(t, now);
    const src = await ask(db.primary, rds.describe(db.primary));
    if (!src) throw new UserError(`RDS has no instance "${escapeMrkdwn(db.primary)}" to restore a point in time of.`);
    if (!src.latestRestorableTime || !src.backupRetentionDays) throw new UserError(`${escapeMrkdwn(db.primary)} has no automated backups, so it has no point in time to restore; use \`/dr restore-db snapshot latest\`.`);
    const earliest = new Date(now.getTime() - src.backupRetentionDays * 86_400_000);
    if (at > src.latestRestorableTime) {
      throw new UserError(`${iso(at)} is after the latest point RDS can restore ${escapeMrkdwn(db.primary)} to, ${iso(src.latestRestorableTime)} (${ago(now.getTime() - src.latestRestorableTime.getTime())}). Pick a time at or before it.`);
    }
    if (at < earliest) throw new UserError(`${iso(at)} is before the restorable window of ${escapeMrkdwn(db.primary)}: it keeps ${src.backupRetentionDays} day(s) of backups, back to ${iso(earliest)}.`);
    facts.push(['Point in time', `${iso(at)} UTC (${ago(now.getTime() - at.getTime())})`], ['Window', `${iso(earliest)} to ${iso(src.latestRestorableTime)}`], ['Source', `${src.id} (${src.status})`]);
    data = { mode: 'pitr', target, source: src.id, time: iso(at), connectionEnv: db.restore.connectionEnv };
  } else {
    const snaps = args.snapshot === 'latest' ? await ask(`${db.primary}'s snapshots`, rds.snapshots({ instance: db.primary })) : await ask(args.snapshot, rds.snapshots({ id: args.snapshot }));
    const snap = args.snapshot === 'latest' ? snaps.find((s) => s.status === 'available') : snaps[0];
    if (!snap) throw new UserError(args.snapshot === 'latest' ? `RDS has no available automated snapshot of ${escapeMrkdwn(db.primary)}.` : `RDS has no snapshot "${escapeMrkdwn(args.snapshot)}". \`/dr verify-backup\` shows the newest one.`);
    if (snap.status !== 'available') throw new UserError(`Snapshot ${escapeMrkdwn(snap.id)} is ${escapeMrkdwn(snap.status)}; RDS restores only an available snapshot.`);
    facts.push(['Snapshot', `${snap.id} of ${snap.instance}, ${snap.type}, taken ${snap.createdAt ? `${iso(snap.createdAt)} (${ago(now.getTime() - snap.createdAt.getTime())})` : 'at an unknown time'}`]);
    data = { mode: 'snapshot', target, snapshot: snap.id, connectionEnv: db.restore.connectionEnv };
  }
  const existing = await ask(target, rds.describe(target));
  if (existing) throw new UserError(`${escapeMrkdwn(target)} already exists (${escapeMrkdwn(existing.status)}): RDS restores only into a new instance. Remove it, or name another one in targets.database.restore.instance.`);
  facts.push(['New instance', target]);
  const warnings = db.restore.connectionEnv ? [] : ['targets.database.restore.connectionEnv is not set: the integrity checks on the restored instance are skipped; run them by hand.'];
  return {
    target: 'database-restore',
    summary: `Restore ${data.mode === 'pitr' ? `${db.primary} as it was at ${data.time}` : `snapshot ${data.snapshot}`} into the new instance ${target}, wait until it is available and run the integrity checks on it. The apps are NOT moved: that is \`/dr restore-db repoint\`, confirmed on its own.`,
    facts,
    warnings,
    data: data as unknown as Record<string, unknown>,
    // A relative time ("1 hour ago") moves with the clock; what it restores from and into does not.
    fingerprint: { mode: data.mode, source: data.mode === 'pitr' ? data.source ?? null : null, snapshot: data.mode === 'snapshot' ? data.snapshot ?? null : null, into: target, intoExists: false },
  };
}

function restoreSteps(d: RestorePlan): Step[] {
  return [
    {
      id: 'restore',
      title: d.mode === 'pitr' ? `Restore ${d.source} at ${d.time} into ${d.target}` : `Restore snapshot ${d.snapshot} into ${d.target}`,
      async run(ctx) {
        const rds = ctx.infra.rds(rdsTarget(ctx));
        try {
          const inst = d.mode === 'pitr' ? await rds.restoreToTime(d.source!, d.target, new Date(d.time!)) : await rds.restoreFromSnapshot(d.target, d.snapshot!);
          return `RDS accepted; ${inst.status}`;
        } catch (err) {
          throw plainRdsError(err, d);
        }
      },
    },
    {
      id: 'wait-available',
      title: `Wait until ${d.target} is available`,
      async run(ctx) {
        const t = rdsTarget(ctx);
        const inst = await ctx.infra.rds(t).waitAvailable(d.target, { timeoutMs: t.availableTimeout, pollMs: t.pollEvery, onProgress: (s, ms) => ctx.progress(`${s}, ${Math.round(ms / 1000)} s so far`) });
        return `available at ${inst.address ?? 'an unknown address'}`;
      },
    },
    {
      id: 'integrity',
      title: `Run the integrity checks on ${d.target}`,
      async run(ctx) {
        const url = ctx.infra.env(d.connectionEnv);
        if (!url) return 'skipped: no SQL connection to the restored instance is configured (targets.database.restore.connectionEnv)';
        const r = integritySummary((await checkIntegrity(ctx.policy, ctx.infra, url)).results);
        if (!r.ok) throw new Error(r.text);
        return `${r.text}. To move the apps to it: \`/dr restore-db repoint\``;
      },
    },
  ];
}

export const restoreDb: Runbook<RestoreArgs> = {
  id: 'restore-db',
  title: 'Restore the database',
  destructive: false, // a NEW instance: nothing existing is changed until the separate repoint
  requestRoles: ROLES,
  approveRoles: ROLES,
  plan: planRestore,
  steps: (plan) => restoreSteps(plan.data as unknown as RestorePlan),
};

/** `/dr restore-db repoint`: the apps to the restored instance, once it is available; moves traffic, so guarded as destructive. */
export const restoreDbRepoint: Runbook<Record<string, never>> = {
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
      throw new UserError(`RDS did not answer about ${escapeMrkdwn(db.restore.instance)} (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
    });
    if (!inst) throw new UserError(`There is no restored instance ${escapeMrkdwn(db.restore.instance)} yet: \`/dr restore-db snapshot latest\` or \`/dr restore-db pitr <time>\` first.`);
    if (inst.status !== 'available' || !inst.address) throw new UserError(`${escapeMrkdwn(inst.id)} is ${escapeMrkdwn(inst.status)}; the apps are moved only to an available instance.`);
    return {
      target: 'database',
      summary: `Point ${repoint.length} deployment(s) at the restored instance ${inst.id} (${inst.address}) and wait for their rollouts.`,
      facts: [['Restored instance', `${inst.id} is available at ${inst.address}`], ...repointFact(repoint, inst.address)],
      warnings: ['Writes the apps made to the old database after the restore point are not in the restored one.'],
      data: { host: inst.address, repoint } as unknown as Record<string, unknown>,
      fingerprint: { instance: inst.id, state: inst.status, host: inst.address },
    };
  },
  steps(plan) {
    const d = plan.data as unknown as { host: string; repoint: RepointPlan[] };
    return d.repoint.map((p) => repointStep(p, () => d.host));
  },
};
