import type { WebClient } from '@slack/web-api';
import { findInHistory } from '../slack/history.js';

/** The incident card's message metadata type: a retry finds a card that landed by it. */
export const CARD_EVENT = 'dr_incident_card';

/** `channel` must be an id (history takes no names). The incident's card if Slack has it (its metadata names the incident), posted at or after `since`. */
export async function findPostedCard(slack: WebClient, channel: string, incident: number, since: Date): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const oldest = String(Math.floor(since.getTime() / 1000) - 5);
    const hit = await findInHistory(slack, channel, oldest, (m) => m.metadata?.event_type === CARD_EVENT && m.metadata.event_payload?.incident === incident);
    return hit?.ts ? { channel, ts: hit.ts } : undefined;
  } catch {
    return undefined;
  }
}

export const THREAD_LINE_EVENT = 'dr_thread_line';

/**
 * Whether the thread line `line` is already in the card's thread (its metadata names it), posted at or
 * after `since`. Throws when Slack cannot answer: the job retries rather than risk a second copy.
 */
export async function threadLineLanded(slack: WebClient, o: { channel: string; threadTs: string; line: string; since: Date }): Promise<boolean> {
  let cursor: string | undefined;
  do {
    const r = await slack.conversations.replies({ channel: o.channel, ts: o.threadTs, oldest: String(Math.floor(o.since.getTime() / 1000) - 5), include_all_metadata: true, limit: 200, cursor });
    const hit = (r.messages ?? []).some((m) => {
      const md = (m as { metadata?: { event_type?: string; event_payload?: { line?: string } } }).metadata;
      return md?.event_type === THREAD_LINE_EVENT && md.event_payload?.line === o.line;
    });
    if (hit) return true;
    cursor = r.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return false;
}
