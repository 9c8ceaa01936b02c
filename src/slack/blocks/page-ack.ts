/** The card's acknowledgement line; apart from page.ts so the card builder can use it without a cycle. */
import { formatDuration } from '../../core/duration.js';
import { escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';

export interface CardAck {
  /** A Slack user, or (acknowledged in a pager app by someone the policy does not map) the provider's user id. */
  user: string;
  forWhom: string;
  at: Date;
  ackMs: number;
  /** Acknowledged in the pager app: "PagerDuty", "Opsgenie". */
  via?: string;
  /** The provider's name for the person. */
  name?: string;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

/** Who acknowledged, as people read it: `<@U…>`, `<@U…> in PagerDuty`, `*Tenex Engineer* in PagerDuty`. */
export function ackerRef(a: { user: string; via?: string | null; name?: string | null }): string {
  const who = SLACK_USER.test(a.user) || !a.via ? userRef(a.user) : `*${escapeMrkdwn(a.name ?? a.user)}*`;
  return a.via ? `${who} in ${a.via}` : who;
}

/** The card's "Acknowledged" line: who took each page, when, and how long it took. */
export function acknowledgedLine(acks: CardAck[]): string {
  return `:white_check_mark: *Acknowledged* ${acks.map((a) => `${ackerRef(a)} for ${/^<@[UW][A-Z0-9]+>$/.test(a.forWhom) ? a.forWhom : escapeMrkdwn(a.forWhom)} after ${a.ackMs < 1000 ? 'under a second' : formatDuration(a.ackMs)} (${slackDate(a.at)})`).join(' · ')}`;
}
