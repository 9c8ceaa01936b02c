import type { WebClient } from '@slack/web-api';

/** `channel` must be an id (history takes no names). The incident's card if Slack has it (its metadata names the incident), posted at or after `since`. */
export async function findPostedCard(slack: WebClient, channel: string, incident: number, since: Date): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const r = await slack.conversations.history({ channel, oldest: String(Math.floor(since.getTime() / 1000) - 5), include_all_metadata: true, limit: 200 });
    const hit = (r.messages ?? []).find((m) => {
      const md = (m as { metadata?: { event_type?: string; event_payload?: { incident?: number } } }).metadata;
      return md?.event_type === 'dr_incident_card' && md.event_payload?.incident === incident;
    });
    return hit?.ts ? { channel, ts: hit.ts } : undefined;
  } catch {
    return undefined;
  }
}
