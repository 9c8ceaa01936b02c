/**
 * Timers of guarded actions, as scheduler jobs (rows): a plan's expiry, and the sweep that marks runs
 * whose process died (stale heartbeat) as `interrupted` and announces them. Never resumed.
 */
import { z } from 'zod';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { Action } from '../store/actions.js';
import { scheduleJob } from '../store/jobs.js';
import { ActionStore } from '../store/actions.js';
import { appendTimeline } from '../store/timeline.js';
import { cardChanged } from './card-sync.js';
import { actionCardJobs } from './card-jobs.js';
import { measureJobs } from './measures.js';
import { EXPIRY_JOB, type ActionEngine } from './engine.js';

export const STALE_JOB = 'stale_actions';

export async function sweepStale(engine: ActionEngine): Promise<Action[]> {
  const d = engine.deps;
  // Marked, recorded and announced in one transaction: a crash here leaves the runs to the next sweep, not unannounced.
  const stale = await d.store.db.transaction(async (tx) => {
    const found = await new ActionStore(tx).interruptStale(d.policy.actions.staleAfter);
    for (const a of found) {
      const i = a.steps.findIndex((s) => s.status === 'interrupted');
      const during = i >= 0 ? `during step ${i + 1}, "${a.steps[i]!.title}"` : 'between steps';
      await appendTimeline(tx, { incidentId: a.incidentId, at: d.clock.now(), actor: 'dr-bot', kind: 'action_interrupted', data: { action: a.id, kind: a.kind, step: a.steps[i]?.id } });
      await cardChanged(tx, a, {
        key: 'interrupted',
        text:
          `:warning: Action #${a.id} (${a.plan.title}) was interrupted ${during}: the bot running it stopped. It will NOT resume. ` +
          'Check by hand whether that step took effect (`/dr health`), then ask for a new plan if more is needed.',
      });
      d.log.warn({ action: a.id, kind: a.kind, step: a.steps[i]?.id }, 'action interrupted: its run stopped heartbeating');
    }
    return found;
  });
  if (stale.length) d.nudge?.();
  return stale;
}

export function actionJobs(engine: ActionEngine): RegisteredJob[] {
  const d = engine.deps;
  return [
    ...actionCardJobs(engine),
    ...measureJobs(engine),
    defineJob({ kind: EXPIRY_JOB, payload: z.object({}), maxAttempts: 20, what: (job) => `expire the plan of action #${job.key}`, run: async (job) => {
      const id = Number(job.key);
      if (await engine.expire(id)) return {};
      const a = await d.actions.get(id);
      // Due by the ticker's clock but not yet by the database's: look again shortly.
      if (a?.status === 'proposed') return { next: new Date(Math.max(d.clock.now().getTime(), a.expiresAt.getTime()) + 250) };
      return {};
    } }),
    // The sweep runs forever on its own cadence; a failing one is retried, never dead (it is the safety net).
    defineJob({ kind: STALE_JOB, payload: z.object({}), maxAttempts: Number.MAX_SAFE_INTEGER, what: () => 'check for interrupted actions', run: async () => {
      await sweepStale(engine);
      return { next: new Date(d.clock.now().getTime() + d.policy.actions.staleCheckEvery) };
    } }),
  ];
}

/** On start-up: announce runs a dead process left behind, and make sure the periodic sweep is planned. */
export async function startActions(engine: ActionEngine): Promise<void> {
  const d = engine.deps;
  await sweepStale(engine);
  await scheduleJob(d.store.db, { kind: STALE_JOB, key: 'sweep', dueAt: new Date(d.clock.now().getTime() + d.policy.actions.staleCheckEvery) });
}
