import type { WebClient } from '@slack/web-api';
import { findInHistory, findInThread, type MetadataMessage } from '../slack/history.js';

/**
 * After a crash between posting a reminder and recording it, the retry asks Slack whether that reminder
 * (incident, seq) is already in the thread or the channel — the message metadata says so — instead of
 * posting it a second time. Answers undefined when Slack can't tell (e.g. a missing scope).
 */
export async function reminderAlreadyPosted(
  slack: WebClient,
  o: { channel: string; threadTs?: string; since: Date; incident: number; seq: number },
): Promise<boolean | undefined> {
  const oldest = String(Math.floor(o.since.getTime() / 1000) - 5);
  const matches = (m: MetadataMessage) => m.metadata?.event_type === 'dr_reminder' && m.metadata.event_payload?.incident === o.incident && m.metadata.event_payload?.seq === o.seq;
  try {
    if (await findInHistory(slack, o.channel, oldest, matches)) return true;
    if (o.threadTs && (await findInThread(slack, o.channel, o.threadTs, oldest, matches))) return true;
    return false;
  } catch {
    return undefined;
  }
}
