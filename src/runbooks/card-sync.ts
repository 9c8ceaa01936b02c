/** Keeps an action's plan card in Slack in line with its row: posted once in the incident's thread, then edited. */
import type { WebClient } from '@slack/web-api';
import { incidentRef, type Incident } from '../core/incident.js';
import { roleName } from '../core/roles.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { actionCard, type CardAction } from '../slack/blocks/action-card.js';
import type { Action, ActionStore } from '../store/actions.js';
import type { Runbook } from './types.js';

export interface CardDeps {
  slack: WebClient;
  policy: Policy;
  log: Logger;
  actions: ActionStore;
  /** Where a card goes when its incident has no card thread. */
  channel: string;
}

export function renderCard(d: Pick<CardDeps, 'policy'>, a: CardAction, inc: Incident | undefined, rb: Runbook | undefined, dryRun = false) {
  return actionCard(a, {
    incidentRef: inc ? incidentRef(inc.id) : undefined,
    needsSecondPerson: Boolean(inc && a.destructive && d.policy.levels[inc.level].twoPersonRule),
    approvers: (rb?.approveRoles ?? []).map((r) => roleName(r, d.policy.roles)),
    dryRun,
  });
}

/** Posts the plan card in the incident card's thread (or the incident channel) and records where it is. */
export async function postCard(d: CardDeps, a: Action, inc: Incident, rb: Runbook): Promise<void> {
  const card = renderCard(d, a, inc, rb);
  const inThread = inc.channelId && inc.cardTs;
  const posted = await d.slack.chat.postMessage({
    channel: inThread ? inc.channelId! : d.channel,
    ...(inThread ? { thread_ts: inc.cardTs! } : {}),
    text: card.text,
    blocks: card.blocks as never,
    unfurl_links: false,
  });
  await d.actions.setMessage(a.id, posted.channel!, posted.ts!);
  a.channelId = posted.channel!;
  a.messageTs = posted.ts!;
}

/**
 * Edits the card. A failed edit is logged and never stops a run: the row and the timeline are the
 * record, the card a view of them.
 */
export async function editCard(d: CardDeps, a: Action, inc: Incident | undefined, rb: Runbook | undefined): Promise<void> {
  if (!a.channelId || !a.messageTs) return;
  const card = renderCard(d, a, inc, rb);
  try {
    await d.slack.chat.update({ channel: a.channelId, ts: a.messageTs, text: card.text, blocks: card.blocks as never });
  } catch (err) {
    d.log.warn({ err, action: a.id }, 'could not edit the action card');
  }
}

/** One line in the incident's thread for what people must notice (a result, an interruption). */
export async function announce(d: CardDeps, a: Action, inc: Incident | undefined, text: string): Promise<void> {
  const channel = a.channelId ?? inc?.channelId ?? d.channel;
  const threadTs = inc?.cardTs ?? undefined;
  try {
    await d.slack.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), text, unfurl_links: false });
  } catch (err) {
    d.log.warn({ err, action: a.id }, 'could not announce in the incident thread');
  }
}
