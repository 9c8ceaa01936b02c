/**
 * The incident's Slack writes as jobs: its card, card redraws, thread lines and the post-recovery
 * checklist. Each one that posts adopts what already landed (message metadata) instead of posting twice.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { incidentRef, type Incident } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { splitMessage } from '../core/slack-text.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { JobResult } from '../scheduler/ticker.js';
import type { Store } from '../store/index.js';
import { pendingJob } from '../store/jobs.js';
import type { Checklist } from './checklist.js';
import { THREAD_LINE_EVENT, threadLineLanded } from './find-card.js';
import type { IncidentService } from './service.js';

interface Deps {
  store: Store;
  incidents: IncidentService;
  checklist: Checklist;
  /** Posts through a client without automatic retries: a timed-out post is adopted, not re-sent. */
  slackOnce: WebClient;
  clock: Clock;
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
  const load = async (id: number | null) => (id === null ? undefined : d.store.incidents.get(id));
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
          beforePost: () => ctx.checkpoint({ postingSince: d.clock.now().toISOString() }),
        });
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
        await d.incidents.editCard(inc);
        return {};
      },
    }),
    defineJob({
      kind: JOB.threadLine,
      payload: posting.extend({ text: z.string() }),
      maxAttempts: 12,
      what: (job) => `post "${job.payload.text.split('\n')[0]!.slice(0, 80)}" in the thread of ${ref(job.incidentId)}`,
      run: async (job, ctx) => {
        if (job.incidentId === null) return {};
        const target = await d.store.incidents.threadTarget(job.incidentId, job.id);
        if (!target) return {};
        const inc = { id: job.incidentId, channelId: target.channelId, cardTs: target.cardTs };
        if (!inc.cardTs || !inc.channelId) {
          // Its card is still on its way (the line was written with the declare): look again shortly.
          if (target.cardPending) return { next: new Date(d.clock.now().getTime() + 500) };
          return waitForCard(d, inc);
        }
        // Lines of one incident go out in the order they were written.
        if (target.earlierPending) return { next: new Date(d.clock.now().getTime() + 200) };
        // Longer than Slack's 4,000 characters (an update full of `&<>`): several replies, marked "continued",
        // each with its own key, so a retry posts only the parts that did not land.
        const parts = splitMessage(job.payload.text);
        const since = job.payload.postingSince;
        // Also the lease check: a run that lost its job posts nothing.
        await ctx.checkpoint({ postingSince: since ?? d.clock.now().toISOString() });
        for (const [i, text] of parts.entries()) {
          const line = parts.length === 1 ? job.key : `${job.key}/${i + 1}`;
          if (since && (await threadLineLanded(d.slackOnce, { channel: inc.channelId, threadTs: inc.cardTs, line, since: new Date(since) }))) continue;
          await d.slackOnce.chat.postMessage({
            channel: inc.channelId,
            thread_ts: inc.cardTs,
            text,
            metadata: { event_type: THREAD_LINE_EVENT, event_payload: { incident: inc.id, line } },
            unfurl_links: false,
            unfurl_media: false,
          } as never);
        }
        return {};
      },
    }),
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
