/**
 * The restore test ("Test restore to staging") as a job of short phases, each one tick, its state in the
 * job's payload: `start` (newest available snapshot → RestoreDBInstanceFromDBSnapshot into the SCRATCH
 * instance: private, no deletion protection, Single-AZ), `restoring` (until available, then the integrity
 * SQL), `deleting` (DeleteDBInstance until it is gone), `done`. A restore takes hours on real data: no
 * process holds it, a restart or another replica carries on where the payload says, and intent is
 * checkpointed before each RDS call so nothing is sent twice.
 */
import { waitVerdict } from '../../core/rds-states.js';
import { redactUrls } from '../../core/redact.js';
import type { Infra } from '../../infra/index.js';
import type { Policy } from '../../policy.js';
import { rdsDefaults, rdsTimeout } from '../policy-schema.js';
import { checkIntegrity, integritySummary } from './integrity.js';
import { restoreTestPgPhase } from './restore-test-pg.js';
import { placeLike, placementParams } from './restore-placement.js';

export interface RestoreTestState {
  phase: 'start' | 'restoring' | 'deleting' | 'done';
  startedAt?: string;
  snapshot?: string;
  dataAgeMs?: number;
  restoreSentAt?: string;
  restoreMs?: number;
  deleteSentAt?: string;
  ok?: boolean;
  detail?: string;
  deleted?: boolean;
  /** Self-managed: pg_restore runs started (a restart starts it over). */
  tries?: number;
}

export interface PhaseDeps {
  policy: Policy;
  infra: Infra;
  now: Date;
  /** Persists the state before an RDS call (throws when the job is no longer ours). */
  checkpoint(s: RestoreTestState): Promise<void>;
  /** Keeps the job's lease during a long step (pg_restore). */
  renew?: () => Promise<void>;
}

const msg = (err: unknown) => redactUrls((err as Error)?.message ?? String(err));

/** One tick: the next state. `done` carries the outcome. */
export async function restoreTestPhase(d: PhaseDeps, s: RestoreTestState): Promise<RestoreTestState> {
  const db = d.policy.targets.database!;
  if (db.provider === 'postgres') return restoreTestPgPhase(d, s);
  const cfg = db.restoreTest!;
  const t = d.policy.targets.rds ?? rdsDefaults;
  const rds = d.infra.rds(t);
  const now = d.now.getTime();
  const fail = (detail: string, deleted: boolean): RestoreTestState => ({ ...s, phase: deleted ? 'done' : 'deleting', ok: false, detail, deleted });
  switch (s.phase) {
    case 'start': {
      const snap = (await rds.snapshots({ instance: db.primary })).find((x) => x.status === 'available');
      const base: RestoreTestState = { phase: 'start', startedAt: d.now.toISOString() };
      if (!snap) return { ...base, phase: 'done', ok: false, detail: `RDS has no available snapshot of ${db.primary}: nothing to restore (is the backup running?)`, deleted: true };
      const at = { ...base, snapshot: snap.id, dataAgeMs: snap.createdAt ? now - snap.createdAt.getTime() : undefined };
      if (await rds.describe(cfg.instance)) {
        return { ...at, phase: 'done', ok: false, detail: `the scratch instance ${cfg.instance} already exists (an earlier test left it?); not touched: delete it or name another in restoreTest.instance`, deleted: false };
      }
      const source = await rds.describe(snap.instance).catch(() => undefined);
      // Private and disposable whatever the primary is: it is deleted right after the checks.
      const placement = { ...placementParams(placeLike(source, snap, db.restore.placement, snap.instance, 'snapshot')), deletionProtection: false, multiAZ: false, publiclyAccessible: false };
      const next: RestoreTestState = { ...at, phase: 'restoring', restoreSentAt: d.now.toISOString() };
      await d.checkpoint(next);
      try {
        await rds.restoreFromSnapshot(cfg.instance, snap.id, placement);
      } catch (err) {
        return { ...at, phase: 'done', ok: false, detail: `RDS refused the restore: ${msg(err)}`, deleted: true };
      }
      return next;
    }
    case 'restoring': {
      const inst = await rds.describe(cfg.instance);
      const elapsed = now - Date.parse(s.restoreSentAt!);
      if (!inst) return { ...s, phase: 'done', ok: false, detail: `${cfg.instance} disappeared while restoring`, deleted: true };
      const v = waitVerdict(inst.status);
      if (v.kind === 'failed') return fail(`the restore ended ${inst.status}: ${v.why}`, false);
      if (v.kind === 'wait') return elapsed > rdsTimeout(t, 'restore') ? fail(`${cfg.instance} was still ${inst.status} after ${Math.round(elapsed / 60_000)} min`, false) : s;
      const restored = { ...s, restoreMs: elapsed };
      const url = d.infra.env(cfg.connectionEnv);
      if (!url) return { ...restored, phase: 'deleting', ok: true, detail: 'restored; the integrity SQL did not run (restoreTest.connectionEnv is not set)' };
      try {
        const r = integritySummary((await checkIntegrity(d.policy, d.infra, url)).results);
        return { ...restored, phase: 'deleting', ok: r.ok, detail: r.text };
      } catch (err) {
        return { ...restored, phase: 'deleting', ok: false, detail: `the restored instance does not answer SQL: ${msg(err)}` };
      }
    }
    case 'deleting': {
      const inst = await rds.describe(cfg.instance);
      if (!inst) return { ...s, phase: 'done', deleted: true };
      if (inst.status === 'deleting') {
        const since = now - Date.parse(s.deleteSentAt ?? d.now.toISOString());
        return since > rdsTimeout(t, 'restore') ? { ...s, phase: 'done', ok: false, detail: `${s.detail}; ${cfg.instance} was still deleting after ${Math.round(since / 60_000)} min`, deleted: false } : s;
      }
      const next = { ...s, deleteSentAt: d.now.toISOString() };
      await d.checkpoint(next);
      try {
        await rds.deleteInstance(cfg.instance);
      } catch (err) {
        return { ...s, phase: 'done', ok: false, detail: `${s.detail}; deleting ${cfg.instance} failed (${msg(err)}): it is still running and costing money`, deleted: false };
      }
      return next;
    }
    case 'done':
      return s;
  }
}

const words = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** The report: one message a human reads in the channel. */
export function restoreTestText(s: RestoreTestState, scratch: { kind: 'instance' | 'database'; name: string }, opened?: { ref: string; team: string }): string {
  const source = scratch.kind === 'instance' ? 'snapshot' : 'backup';
  const head = s.ok ? ':white_check_mark: *Restore test passed*' : ':x: *Restore test FAILED*';
  const parts = [
    s.snapshot ? `${source} ${s.snapshot}` : undefined,
    s.dataAgeMs !== undefined ? `data age ${words(s.dataAgeMs)}` : undefined,
    s.restoreMs !== undefined ? `restored in ${words(s.restoreMs)}` : undefined,
    s.detail,
    `scratch ${scratch.kind} ${scratch.name} ${s.deleted ? (scratch.kind === 'instance' ? 'deleted' : 'dropped') : `NOT ${scratch.kind === 'instance' ? 'deleted' : 'dropped'}`}`,
  ].filter(Boolean);
  return `${head}: ${parts.join(' · ')}${opened ? ` · ${opened.ref} opened for the ${opened.team}` : ''}`;
}
