import type { WebClient } from '@slack/web-api';

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
  const matches = (messages: Array<{ metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }> | undefined) =>
    (messages ?? []).some((m) => m.metadata?.event_type === 'dr_reminder' && m.metadata.event_payload?.incident === o.incident && m.metadata.event_payload?.seq === o.seq);
  try {
    const history = await slack.conversations.history({ channel: o.channel, oldest, include_all_metadata: true, limit: 200 });
    if (matches(history.messages as never)) return true;
    if (o.threadTs) {
      const replies = await slack.conversations.replies({ channel: o.channel, ts: o.threadTs, oldest, include_all_metadata: true, limit: 200 });
      if (matches(replies.messages as never)) return true;
    }
    return false;
  } catch {
    return undefined;
  }
}
