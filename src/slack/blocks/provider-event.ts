/** Thread lines for what happened in a pager app (a webhook): who acknowledged, resolved, reassigned, noted. */
import { formatDuration } from '../../core/duration.js';
import { blockquote, escapeMrkdwn } from '../../core/mrkdwn.js';
import { fitUserText } from '../../core/slack-text.js';
import { ackerRef } from './page-ack.js';

export interface ProviderLineFacts {
  /** "PagerDuty", "Opsgenie". */
  provider: string;
  /** The Slack user the person maps to, else their provider id. */
  user: string;
  name: string;
  forWhom: string;
  /** Acknowledged: how long the page waited. */
  ackMs?: number;
  detail?: string;
  link?: string;
}

const group = (forWhom: string) => (/^<@[UW][A-Z0-9]+>$/.test(forWhom) ? forWhom : `*${escapeMrkdwn(forWhom)}*`);
const after = (ms: number) => (ms < 1000 ? 'under a second' : formatDuration(ms));
const link = (f: ProviderLineFacts) => (f.link && /^https:\/\/[^\s|<>]+$/.test(f.link) ? ` (<${f.link}|${f.provider}>)` : '');
const who = (f: ProviderLineFacts) => ackerRef({ user: f.user, via: f.provider, name: f.name });

export function providerAckLine(f: ProviderLineFacts): string {
  return `:white_check_mark: ${who(f)} acknowledged the page for ${group(f.forWhom)} after ${after(f.ackMs ?? 0)}${link(f)}. Escalation stopped.`;
}

/** The provider's alert was resolved there; the incident here is ours to resolve (nothing is mirrored). */
export function providerResolvedLine(f: ProviderLineFacts & { acknowledged: boolean }): string {
  const ack = f.acknowledged ? ' That counts as acknowledging the page; escalation stopped.' : '';
  return `:ballot_box_with_check: ${who(f)} resolved the ${f.provider} alert for ${group(f.forWhom)}${link(f)}.${ack} The incident stays open here until it is resolved with \`/incident resolve\`.`;
}

export function providerUnackLine(f: ProviderLineFacts): string {
  return `:warning: ${who(f)} took back the acknowledgement of the ${f.provider} alert for ${group(f.forWhom)}${link(f)}. The page here stays acknowledged; page again with \`/incident page\` if nobody is on it.`;
}

export function providerMovedLine(f: ProviderLineFacts & { how: 'reassigned' | 'escalated' }): string {
  const to = f.detail ? ` to ${fitUserText(f.detail, 200)}` : '';
  return `:arrows_counterclockwise: ${f.provider}: the alert for ${group(f.forWhom)} was ${f.how}${to}${link(f)}.`;
}

export function providerNoteLine(f: ProviderLineFacts): string {
  return `:memo: Note from ${who(f)} on the alert for ${group(f.forWhom)}:\n${fitUserText(f.detail ?? '', 1_000, { render: blockquote })}`;
}
