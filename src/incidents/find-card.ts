import type { WebClient } from '@slack/web-api';
import { findInHistory } from '../slack/history.js';

/** `channel` must be an id (history takes no names). The incident's card if Slack has it (its metadata names the incident), posted at or after `since`. */
export async function findPostedCard(slack: WebClient, channel: string, incident: number, since: Date): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const oldest = String(Math.floor(since.getTime() / 1000) - 5);
    const hit = await findInHistory(slack, channel, oldest, (m) => m.metadata?.event_type === 'dr_incident_card' && m.metadata.event_payload?.incident === incident);
    return hit?.ts ? { channel, ts: hit.ts } : undefined;
  } catch {
    return undefined;
  }
}
