/** The card's acknowledgement line; apart from page.ts so the card builder can use it without a cycle. */
import { formatDuration } from '../../core/duration.js';
import { escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';

export interface CardAck {
  user: string;
  forWhom: string;
  at: Date;
  ackMs: number;
}

/** The card's "Acknowledged" line: who took each page, when, and how long it took. */
export function acknowledgedLine(acks: CardAck[]): string {
  return `:white_check_mark: *Acknowledged* ${acks.map((a) => `${userRef(a.user)} for ${/^<@[UW][A-Z0-9]+>$/.test(a.forWhom) ? a.forWhom : escapeMrkdwn(a.forWhom)} after ${a.ackMs < 1000 ? 'under a second' : formatDuration(a.ackMs)} (${slackDate(a.at)})`).join(' · ')}`;
}
