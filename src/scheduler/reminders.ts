import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { escalationMentions } from '../core/escalation.js';
import { isOpen } from '../core/incident.js';
import { planReminder } from '../core/reminders.js';
import { COMMUNICATIONS_COORDINATOR, INCIDENT_COMMANDER } from '../core/roles.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { reminderMessage } from '../slack/blocks/reminder.js';
import type { Store } from '../store/index.js';
import { reminderAlreadyPosted } from './already-posted.js';
import { z } from 'zod';
import { incidentRef } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { defineJob, type RegisteredJob } from './jobs.js';
import type { SlackPacer } from './slack-pace.js';

/** `seq`: reminders posted so far; `pending`: the one a run was about to post (checked after a crash). */
const reminderPayload = z.object({ seq: z.number().int().nonnegative().optional(), pending: z.object({ seq: z.number().int(), at: z.string() }).optional() });

/** The `reminder` job: nudge the incident's people in the card's thread; escalate to the channel when ignored. */
/**
 * `slack`: a client that answers a 429 at once (the job is put back until its turn; the pending checkpoint
 * makes a retry look before posting again). `pacer`: the post's turn under the channel's rate limit.
 */
export function reminderJob(d: { store: Store; policy: Policy; slack: WebClient; pacer: SlackPacer; clock: Clock; log: Logger; incidents: IncidentService; channel: string }): RegisteredJob {
  return defineJob({
    kind: JOB.reminder,
    payload: reminderPayload,
    maxAttempts: 20,
    what: (job) => `post a reminder for ${job.incidentId === null ? 'an incident' : incidentRef(job.incidentId)}`,
    run: async (job, ctx) => {
    const inc = job.incidentId === null ? undefined : await d.store.incidents.load(job.incidentId);
    if (!inc || !isOpen(inc.status)) return {};
    const now = d.clock.now();
    const lastActivity = inc.lastUpdateAt ?? inc.declaredAt;
    const cadenceMs = d.incidents.cadence(inc);
    const plan = planReminder({ now, lastActivity, cadenceMs });
    if (!plan.post) return plan.next ? { next: plan.next } : {};

    const seq = (job.payload.seq ?? 0) + 1;
    const channel = inc.channelId ?? d.channel;
    const pending = job.payload.pending;
    if (pending?.seq === seq) {
      // A previous run was about to post this one and never said how it went.
      const posted = await reminderAlreadyPosted(d.slack, { channel, threadTs: inc.cardTs ?? undefined, since: new Date(pending.at), incident: inc.id, seq });
      if (posted) {
        d.log.info({ incident: inc.id, seq }, 'reminder was already posted before a crash; not posting it again');
        return { next: plan.next, payload: { seq }, timeline: { incidentId: inc.id, at: new Date(pending.at), actor: 'dr-bot', kind: 'reminder', data: { seq, missed: plan.missed, escalated: plan.escalate } } };
      }
      if (posted === undefined) d.log.warn({ incident: inc.id, seq }, 'cannot tell whether the reminder was posted before a crash; posting it');
    }
    // Its turn first (a long wait puts the job back, booked): a checkpoint is only written right before a post.
    await d.pacer.turn(job.id, { kind: 'post', channel });
    await ctx.checkpoint({ pending: { seq, at: now.toISOString() } });
    const people = [inc.roles[INCIDENT_COMMANDER], inc.roles[COMMUNICATIONS_COORDINATOR]].filter((u): u is string => Boolean(u));
    const escalateTo = plan.escalate ? escalationMentions(d.policy.levels[inc.level], d.policy.teams) || undefined : undefined;
    const permalink = plan.escalate ? await d.incidents.permalink(inc) : undefined;
    const msg = reminderMessage(inc, d.policy, {
      seq,
      silentMs: now.getTime() - lastActivity.getTime(),
      cadenceMs,
      people: people.length ? [...new Set(people)] : [inc.declaredBy],
      escalateTo: plan.escalate ? (escalateTo ?? '') : undefined,
      permalink,
    });
    const inThread = !plan.escalate && inc.cardTs;
    // A 429 acted on nothing: the checkpoint is undone, so the retry posts without looking first.
    await d.pacer.guard(
      { kind: 'post', channel },
      () =>
        d.slack.chat.postMessage({
          channel,
          ...(inThread ? { thread_ts: inc.cardTs! } : {}),
          text: msg.text,
          blocks: msg.blocks as never,
          metadata: msg.metadata as never,
          unfurl_links: false,
        }),
      { restorePayload: true },
    );
    const timeline = { incidentId: inc.id, at: now, actor: 'dr-bot', kind: 'reminder', data: { seq, missed: plan.missed, escalated: plan.escalate } };
    return { next: plan.next, payload: { seq }, timeline };
    },
  });
}
