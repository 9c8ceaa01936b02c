/**
 * The `thread_line` job: one line in the incident card's thread, posted once. Lines of one incident go out
 * in the order they were written. Each post takes its turn under Slack's ~1 message a second per channel
 * (SlackPacer), and the earliest waiting line carries the incident's later waiting lines in the same post
 * (up to Slack's message size): in an alert storm fifty incidents share one channel's second, so lines are
 * batched per thread instead of queueing one a second behind each other.
 *
 * Exactly once: before posting, the leader checkpoints when it began and which lines it carries; the post's
 * metadata names the leader's line (and the carried ones); a retry adopts a post that landed, and the
 * carried lines are marked done in one statement after the post, before the leader finishes (a carried
 * line never posts alone while its leader is pending: it is later in the order).
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { JOB } from '../core/job-kinds.js';
import { splitMessage } from '../core/slack-text.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { JobResult } from '../scheduler/ticker.js';
import type { SlackPacer } from '../scheduler/slack-pace.js';
import type { Store } from '../store/index.js';
import { finishCarried, followingLines, linesById } from '../store/jobs.js';
import { THREAD_LINE_EVENT, threadLineLanded } from './find-card.js';

/** Lines looked at for one post; what fits in one message of them goes. */
const CARRY_AT_MOST = 50;

const payload = z.object({
  text: z.string(),
  postingSince: z.string().datetime().optional(),
  /** The later lines this run's post carries (set with postingSince, so a retry posts the same set). */
  carries: z.array(z.number().int()).optional(),
});

interface Deps {
  store: Store;
  slackOnce: WebClient;
  pacer: SlackPacer;
  clock: Clock;
  /** No card yet and its job is gone: fail (retried, then dead-lettered visibly). */
  noCard: (incidentId: number) => Promise<JobResult>;
}

const ref = (id: number | null) => (id === null ? 'an incident' : `INC-${id}`);

export function threadLineJob(d: Deps): RegisteredJob {
  const later = (ms: number): JobResult => ({ next: new Date(d.clock.now().getTime() + ms) });
  return defineJob({
    kind: JOB.threadLine,
    payload,
    maxAttempts: 12,
    what: (job) => `post "${job.payload.text.split('\n')[0]!.slice(0, 80)}" in the thread of ${ref(job.incidentId)}`,
    run: async (job, ctx) => {
      if (job.incidentId === null) return {};
      const target = await d.store.incidents.threadTarget(job.incidentId, job.id);
      if (!target) return {};
      const { channelId: channel, cardTs: threadTs } = target;
      if (!threadTs || !channel) {
        // Its card is still on its way (the line was written with the declare): look again shortly.
        if (target.cardPending) return later(500);
        return d.noCard(job.incidentId);
      }
      // Behind an earlier line: look again just after that one is due (it may well carry this one along)
      // rather than every 200 ms while it waits for its turn — in a storm that polling was most of the work.
      if (target.earlierPending) return later(Math.max(200, (target.earlierDueAt?.getTime() ?? 0) - d.clock.now().getTime() + 200));
      const since = job.payload.postingSince;
      // A first run waits for its turn before it checkpoints (a retry's turn is taken before its post). Only a
      // line that had to wait for its turn carries others: without pressure each line is a post of its own.
      const waited = !since && (await d.pacer.turn(job.id, { kind: 'post', channel }));

      // Longer than Slack's 4,000 characters (an update full of `&<>`): several replies, marked "continued",
      // each with its own key, so a retry posts only the parts that did not land. Such a line carries nothing.
      const parts = splitMessage(job.payload.text);
      let carried: Array<{ id: number; key: string; text: string }> = [];
      if (since) carried = await linesById(d.store.db, job.payload.carries ?? []);
      else if (waited && parts.length === 1) {
        let text = job.payload.text;
        for (const l of await followingLines(d.store.db, JOB.threadLine, job.incidentId, job.id, CARRY_AT_MOST)) {
          // In order only: a line that began on its own, and everything after it, goes later.
          if (l.started || splitMessage(`${text}\n${l.text}`).length > 1) break;
          text = `${text}\n${l.text}`;
          carried.push(l);
        }
      }
      // Also the lease check: a run that lost its job posts nothing.
      await ctx.checkpoint({ postingSince: since ?? d.clock.now().toISOString(), carries: carried.map((l) => l.id) });
      const texts = parts.length === 1 ? [[job.payload.text, ...carried.map((l) => l.text)].join('\n')] : parts;
      for (const [i, text] of texts.entries()) {
        const line = texts.length === 1 ? job.key : `${job.key}/${i + 1}`;
        if (since && (await threadLineLanded(d.slackOnce, { channel, threadTs, line, since: new Date(since) }))) continue;
        if (since || i > 0) await d.pacer.turn(job.id, { kind: 'post', channel });
        await d.pacer.guard(
          { kind: 'post', channel },
          () =>
            d.slackOnce.chat.postMessage({
              channel,
              thread_ts: threadTs,
              text,
              metadata: { event_type: THREAD_LINE_EVENT, event_payload: { incident: job.incidentId, line, ...(carried.length ? { carries: carried.map((l) => l.key) } : {}) } },
              unfurl_links: false,
              unfurl_media: false,
            } as never),
          // A 429 on the first part of a first run: nothing of it is in Slack, so its checkpoint is undone.
          { restorePayload: i === 0 && !since },
        );
      }
      await finishCarried(d.store.db, carried.map((l) => l.id), job.key);
      return {};
    },
  });
}
