/**
 * The incident's Slack writes as jobs: its card, card redraws, thread lines and the post-recovery
 * checklist. Each one that posts adopts what already landed (message metadata) instead of posting twice.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { incidentRef, type Incident } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { JobResult } from '../scheduler/ticker.js';
import type { Store } from '../store/index.js';
import { pendingJob } from '../store/jobs.js';
import type { Checklist } from './checklist.js';
import type { IncidentService } from './service.js';
import type { SlackPacer } from '../scheduler/slack-pace.js';
import { threadLineJob } from './thread-line-job.js';

interface Deps {
  store: Store;
  incidents: IncidentService;
  checklist: Checklist;
  /** Posts through a client without automatic retries: a timed-out post is adopted, not re-sent. */
  slackOnce: WebClient;
  /** Turns under Slack's rate limits for posts and card edits. */
  pacer: SlackPacer;
  clock: Clock;
  /**
   * After the card shows a change: work that follows every visible change of an incident (the status page),
   * queued by this job so it is as durable as the card edit itself (a retried edit queues it again).
   */
  afterCard?: (incidentId: number) => Promise<void>;
}

/** Checkpointed before a post: a later run knows an earlier one may have reached Slack. */
const posting = z.object({ postingSince: z.string().datetime().optional() });

const ref = (id: number | null) => (id === null ? 'an incident' : incidentRef(id));

/** No card yet: wait while its job is alive (not counted as a failed try); fail when it is dead. */
async function waitForCard(d: Deps, inc: Pick<Incident, 'id'>): Promise<JobResult> {
  if (await pendingJob(d.store.db, JOB.postCard, String(inc.id))) return { next: new Date(d.clock.now().getTime() + 500) };
  throw new Error(`${incidentRef(inc.id)} has no card in Slack`);
}

export function incidentJobs(d: Deps): RegisteredJob[] {
  // Batched: the jobs one claim starts read their incidents in one statement.
  const load = async (id: number | null) => (id === null ? undefined : d.store.incidents.load(id));
  return [
    defineJob({
      kind: JOB.postCard,
      payload: posting,
      maxAttempts: 20,
      what: (job) => `post the card of ${ref(job.incidentId)}`,
      run: async (job, ctx) => {
        const inc = await load(job.incidentId);
        if (!inc || inc.cardTs) return {};
        await d.incidents.postCard(inc, {
          adopt: job.attempts > 1 || job.payload.postingSince !== undefined,
          // Its turn under the channel's rate limit, then the checkpoint; a 429 on the post undoes the checkpoint.
          beforePost: async (channel) => {
            await d.pacer.turn(job.id, { kind: 'post', channel });
            await ctx.checkpoint({ postingSince: d.clock.now().toISOString() });
          },
          send: (channel, post) => d.pacer.guard({ kind: 'post', channel }, post, { restorePayload: true }),
        });
        await d.afterCard?.(inc.id);
        return {};
      },
    }),
    defineJob({
      kind: JOB.editCard,
      payload: z.object({}),
      maxAttempts: 10,
      what: (job) => `update the card of ${ref(job.incidentId)}`,
      run: async (job) => {
        const inc = await load(job.incidentId);
        if (!inc) return {};
        if (!inc.cardTs) return waitForCard(d, inc);
        // chat.update is Tier 3: edits take turns; changes made while this one waits fold into it.
        await d.pacer.paced(job.id, { kind: 'edit' }, () => d.incidents.editCard(inc));
        await d.afterCard?.(inc.id);
        return {};
      },
    }),
    threadLineJob({ ...d, noCard: (id) => waitForCard(d, { id }) }),
    defineJob({
      kind: JOB.postChecklist,
      payload: z.object({}),
      maxAttempts: 12,
      what: (job) => `post the post-recovery checklist of ${ref(job.incidentId)}`,
      run: async (job) => {
        const inc = await load(job.incidentId);
        if (!inc) return {};
        if (!inc.cardTs) return waitForCard(d, inc);
        await d.checklist.resolved(inc);
        return {};
      },
    }),
  ];
}
