/** The jobs that carry an action's card to Slack: its post (adopting one that landed) and its coalesced redraws. */
import { z } from 'zod';
import { JOB } from '../core/job-kinds.js';
import type { Incident } from '../core/incident.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { JobResult } from '../scheduler/ticker.js';
import { pendingJob } from '../store/jobs.js';
import { editCard, postCard } from './card-sync.js';
import type { ActionEngine } from './engine.js';
import type { Runbook } from './types.js';

/** Checkpointed before a post: a later run knows an earlier one may have reached Slack. */
const posting = z.object({ postingSince: z.string().datetime().optional() });

export function actionCardJobs(engine: ActionEngine): RegisteredJob[] {
  const d = engine.deps;
  const later = (ms: number): JobResult => ({ next: new Date(d.clock.now().getTime() + ms) });
  const runbookOf = (kind: string): Runbook | undefined => {
    try {
      return engine.runbook(kind);
    } catch {
      return undefined;
    }
  };
  /** The incident card is still on its way (its job alive): the action card waits to go in its thread. */
  const cardComing = async (inc: Incident | undefined) => Boolean(inc && !inc.cardTs && (await pendingJob(d.store.db, JOB.postCard, String(inc.id))));
  return [
    defineJob({
      kind: JOB.actionCard,
      payload: posting,
      maxAttempts: 20,
      what: (job) => `post the plan card of action #${job.key}`,
      run: async (job, ctx) => {
        const a = await d.actions.get(Number(job.key));
        if (!a || a.messageTs) return {};
        const inc = await d.store.incidents.get(a.incidentId);
        if (await cardComing(inc)) return later(500);
        const since = job.payload.postingSince;
        await postCard(d, a, inc, runbookOf(a.kind), {
          since: since ? new Date(since) : undefined,
          beforePost: () => ctx.checkpoint({ postingSince: since ?? d.clock.now().toISOString() }),
        });
        return {};
      },
    }),
    defineJob({
      kind: JOB.actionCardEdit,
      payload: z.object({}),
      maxAttempts: 10,
      what: (job) => `update the plan card of action #${job.key}`,
      run: async (job) => {
        const a = await d.actions.get(Number(job.key));
        if (!a) return {};
        if (!a.messageTs) {
          // Not posted yet: its post job draws the latest state (and queues a redraw if it changed meanwhile).
          if (await pendingJob(d.store.db, JOB.actionCard, job.key)) return later(500);
          return {};
        }
        await editCard(d, a, await d.store.incidents.get(a.incidentId), runbookOf(a.kind));
        return {};
      },
    }),
  ];
}
