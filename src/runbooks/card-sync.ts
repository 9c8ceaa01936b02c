/**
 * Keeps an action's plan card in Slack in line with its row. A state change writes its jobs in its own
 * transaction (card-jobs.ts carries them out): the card posted once in the incident's thread — adopted by its
 * message metadata when an earlier try landed — then redrawn from the row, and the lines people must notice.
 */
import type { WebClient } from '@slack/web-api';
import { incidentRef, type Incident } from '../core/incident.js';
import { roleName } from '../core/roles.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { JobWaiter } from '../scheduler/job-waiter.js';
import { actionCard, type CardAction } from '../slack/blocks/action-card.js';
import { findInHistory, findInThread } from '../slack/history.js';
import type { Action, ActionStore } from '../store/actions.js';
import type { Queryable } from '../store/db.js';
import { queueActionCardEdit, queueThreadLine } from '../store/outbox.js';
import type { Runbook } from './types.js';

export interface CardDeps {
  slack: WebClient;
  /** Posts through a client without automatic retries: a timed-out post is adopted, not re-sent. */
  slackOnce?: WebClient;
  policy: Policy;
  log: Logger;
  actions: ActionStore;
  /** Where a card goes when its incident has no card thread. */
  channel: string;
  /** Tells this process's scheduler that jobs are due now. */
  nudge?: () => void;
  /** Wakes a requester waiting for its plan card when this process's ticker posted it. */
  waiter?: JobWaiter;
}

export const ACTION_CARD_EVENT = 'dr_action_card';

export function renderCard(d: Pick<CardDeps, 'policy'>, a: CardAction, inc: Incident | undefined, rb: Runbook | undefined, dryRun = false) {
  return actionCard(a, {
    incidentRef: inc ? incidentRef(inc.id) : undefined,
    needsSecondPerson: Boolean(inc && a.destructive && d.policy.levels[inc.level].twoPersonRule),
    approvers: (rb?.approveRoles ?? []).map((r) => roleName(r, d.policy.roles)),
    dryRun,
  });
}

/** Where an action's card goes: the incident card's thread, else the incident channel. */
function placeOf(d: CardDeps, inc: Incident | undefined): { channel: string; threadTs?: string } {
  return inc?.channelId && inc.cardTs ? { channel: inc.channelId, threadTs: inc.cardTs } : { channel: d.channel };
}

/**
 * The `action_card` job's work. `since` set: an earlier try may have reached Slack, so the card is looked
 * for first (its metadata names the action) and adopted.
 */
export async function postCard(d: CardDeps, a: Action, inc: Incident | undefined, rb: Runbook | undefined, o: { since?: Date; beforePost: () => Promise<void> }): Promise<void> {
  const at = placeOf(d, inc);
  const slack = d.slackOnce ?? d.slack;
  if (o.since) {
    const oldest = String(Math.floor(o.since.getTime() / 1000) - 5);
    const mine = (m: { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }) =>
      m.metadata?.event_type === ACTION_CARD_EVENT && m.metadata.event_payload?.action === a.id;
    // Throws when Slack cannot answer: the job retries rather than risk a second card.
    const hit = at.threadTs ? await findInThread(slack, at.channel, at.threadTs, oldest, mine) : await findInHistory(slack, at.channel, oldest, mine);
    if (hit?.ts) {
      d.log.info({ action: a.id, ts: hit.ts }, 'action card had already landed; adopting it');
      return recordCard(d, a, inc, rb, at.channel, hit.ts);
    }
  }
  await o.beforePost();
  const card = renderCard(d, a, inc, rb);
  const posted = await slack.chat.postMessage({
    channel: at.channel,
    ...(at.threadTs ? { thread_ts: at.threadTs } : {}),
    text: card.text,
    blocks: card.blocks as never,
    metadata: { event_type: ACTION_CARD_EVENT, event_payload: { action: a.id, incident: a.incidentId } },
    unfurl_links: false,
  } as never);
  await recordCard(d, a, inc, rb, posted.channel!, posted.ts!);
}

/** Where the card is; a change made while it was being posted (a cancel, an expiry) gets it redrawn. */
async function recordCard(d: CardDeps, a: Action, inc: Incident | undefined, rb: Runbook | undefined, channel: string, ts: string): Promise<void> {
  await d.actions.setMessage(a.id, channel, ts);
  const now = await d.actions.get(a.id);
  if (now && JSON.stringify(renderCard(d, now, inc, rb)) !== JSON.stringify(renderCard(d, a, inc, rb))) {
    await queueActionCardEdit(d.actions.db, a);
    d.nudge?.();
  }
}

/** The `action_card_edit` job's work: the card redrawn from what its row says now. A failed edit is retried by the job. */
export async function editCard(d: CardDeps, a: Action, inc: Incident | undefined, rb: Runbook | undefined): Promise<void> {
  if (!a.channelId || !a.messageTs) return;
  const card = renderCard(d, a, inc, rb);
  await d.slack.chat.update({ channel: a.channelId, ts: a.messageTs, text: card.text, blocks: card.blocks as never });
}

/** In the transaction of a state change: the card redrawn, and (when people must notice) a line in the thread. */
export async function cardChanged(tx: Queryable, a: { id: number; incidentId: number }, line?: { key: string; text: string }): Promise<void> {
  await queueActionCardEdit(tx, a);
  if (line) await queueThreadLine(tx, { incidentId: a.incidentId, key: `action${a.id}:${line.key}`, text: line.text });
}
