import { formatDuration } from '../../core/duration.js';
import { statusLabel, type Incident, type OpenStatus } from '../../core/incident.js';
import { levelLabel, type LevelNumber } from '../../core/levels.js';
import { blockquote, escapeMrkdwn, truncate, userRef } from '../../core/mrkdwn.js';
import { roleName } from '../../core/roles.js';
import type { Policy } from '../../policy.js';
import { responseTime } from './incident-card.js';

/** Replies in the card's thread: one line of what changed, who did it, and what it means. */
// The whole text: a reply longer than Slack's 4,000 characters is posted in parts (splitMessage).
const quote = (text: string): string => blockquote(escapeMrkdwn(text));

export function updateReply(by: string, text: string, status: OpenStatus, statusChanged: boolean): string {
  const head = `:mega: *Update* from ${userRef(by)}${statusChanged ? ` — status now *${statusLabel(status)}*` : ''}`;
  return `${head}\n${quote(text)}`;
}

export function roleReply(policy: Policy, role: string, user: string, by: string, previous?: string): string {
  const name = escapeMrkdwn(roleName(role, policy.roles));
  const was = previous && previous !== user ? ` (handed over from ${userRef(previous)})` : '';
  return `:bust_in_silhouette: ${userRef(user)} is now *${name}*${was}, assigned by ${userRef(by)}.`;
}

export function levelReply(policy: Policy, from: LevelNumber, to: LevelNumber, by: string): string {
  const l = policy.levels[to];
  const verb = to < from ? ':arrow_double_up: *Escalated*' : ':arrow_double_down: *De-escalated*';
  return `${verb} from ${levelLabel(from, policy.levels[from])} to *${levelLabel(to, l)}* by ${userRef(by)}. Response time: ${responseTime(l.respondWithinMs).toLowerCase()}; escalation: ${escapeMrkdwn(l.escalation)}.`;
}

export function resolveReply(inc: Incident, by: string, summary: string): string {
  const took = formatDuration((inc.resolvedAt ?? inc.declaredAt).getTime() - inc.declaredAt.getTime());
  return `:white_check_mark: *Resolved* by ${userRef(by)} after ${took}.${summary ? `\n${quote(summary)}` : ''}`;
}
