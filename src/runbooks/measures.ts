/**
 * RPO and RTO measured by the recoveries: what a run's steps observed (`state.measures`: a lag at the
 * promotion, a restore point) stored when the run ends, in its finishing transaction; and, after a recovery
 * that succeeded, the `rto_probe` job — the `/dr health` checks every few seconds until all pass, then
 * declaration → passing recorded. Each measure is a row, a timeline event (for the postmortem) and a card redraw.
 */
import { z } from 'zod';
import { JOB } from '../core/job-kinds.js';
import type { RecoveryMeasure, StepMeasure } from '../core/recovery-measures.js';
import type { LevelNumber } from '../core/levels.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { Action } from '../store/actions.js';
import type { Queryable } from '../store/db.js';
import { scheduleJob } from '../store/jobs.js';
import { queueCardEdit } from '../store/outbox.js';
import { recordRto, recordStepMeasure } from '../store/recovery-measures.js';
import { appendTimeline } from '../store/timeline.js';
import type { ActionEngine } from './engine.js';
import { runHealth } from './health.js';
import type { RunDeps } from './runner.js';

/** Probes are retried this often after a recovery, and given up on after this long (said on the timeline). */
const PROBE_EVERY_MS = 5_000;
const PROBE_GIVE_UP_MS = 3_600_000;

const isStepMeasure = (m: unknown): m is StepMeasure => typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'rpo';

async function level(d: RunDeps, incidentId: number, q: Queryable) {
  const inc = await d.store.incidents.get(incidentId, q);
  return d.policy.levels[(inc?.level ?? 1) as LevelNumber];
}

async function announce(d: RunDeps, q: Queryable, incidentId: number, m: RecoveryMeasure): Promise<void> {
  await appendTimeline(q, {
    incidentId,
    at: d.clock.now(),
    actor: 'dr-bot',
    kind: 'recovery_measured',
    data: { action: m.actionId, measure: m.kind, source: m.source, valueMs: m.valueMs, objectiveMs: m.objectiveMs, lagBytes: m.lagBytes, restorePoint: m.restorePoint?.toISOString() ?? null },
  });
  await queueCardEdit(q, incidentId);
}

/** In the run's finishing transaction: the steps' measures, and the RTO probe after a success (when the policy has health URLs to probe). */
export async function recordRunMeasures(d: RunDeps, tx: Queryable, ended: Action, state: Record<string, unknown>): Promise<void> {
  const found = Array.isArray(state.measures) ? state.measures.filter(isStepMeasure) : [];
  const a = { actionId: ended.id, incidentId: ended.incidentId };
  if (found.length) {
    const objective = (await level(d, ended.incidentId, tx)).objectives.rpoMs ?? null;
    for (const m of found) {
      const stored = await recordStepMeasure(tx, a, m, objective);
      if (stored) await announce(d, tx, ended.incidentId, stored);
    }
  }
  if (ended.status === 'succeeded' && d.policy.targets.health.length > 0) {
    await scheduleJob(tx, { kind: JOB.rtoProbe, key: String(ended.id), incidentId: ended.incidentId, dueAt: d.clock.now() });
  }
}

export function measureJobs(engine: ActionEngine): RegisteredJob[] {
  const d = engine.deps;
  return [
    defineJob({
      kind: JOB.rtoProbe,
      payload: z.object({}),
      maxAttempts: 20,
      what: (job) => `probe health after action #${job.key} (RTO)`,
      run: async (job) => {
        const a = await d.actions.get(Number(job.key));
        if (!a) return {};
        const h = await runHealth(d.policy, d.infra);
        if (h.results.every((r) => r.ok)) {
          await d.store.db.transaction(async (tx) => {
            const stored = await recordRto(tx, { actionId: a.id, incidentId: a.incidentId }, (await level(d, a.incidentId, tx)).objectives.rtoMs ?? null);
            if (stored) await announce(d, tx, a.incidentId, stored);
          });
          d.nudge?.();
          return {};
        }
        const since = d.clock.now().getTime() - (a.finishedAt?.getTime() ?? 0);
        if (since > PROBE_GIVE_UP_MS) {
          const failing = h.results.filter((r) => !r.ok).map((r) => r.name);
          await appendTimeline(d.store.db, { incidentId: a.incidentId, at: d.clock.now(), actor: 'dr-bot', kind: 'recovery_probes_failing', data: { action: a.id, failing } });
          return {};
        }
        return { next: new Date(d.clock.now().getTime() + PROBE_EVERY_MS) };
      },
    }),
  ];
}
