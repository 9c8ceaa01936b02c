/**
 * Reading back the bot's own messages (after a crash, to adopt what already landed instead of posting it
 * twice). Slack pages history with `response_metadata.next_cursor`; a busy incident channel can hold more
 * than one page since `oldest`, so every page is read until the message is found or the pages run out.
 */
import type { WebClient } from '@slack/web-api';

export interface MetadataMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

const PAGE = 200;
/** A bound on pages read per look (200 messages each), so a runaway channel cannot stall a job. */
const MAX_PAGES = 25;

type Read = (cursor: string | undefined) => Promise<{ messages?: unknown[]; response_metadata?: { next_cursor?: string } }>;

async function findIn(read: Read, match: (m: MetadataMessage) => boolean): Promise<MetadataMessage | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await read(cursor);
    const hit = (r.messages as MetadataMessage[] | undefined)?.find(match);
    if (hit) return hit;
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** The first top-level message of `channel` (an ID) since `oldest` that `match` accepts, reading every page. */
export function findInHistory(slack: WebClient, channel: string, oldest: string, match: (m: MetadataMessage) => boolean): Promise<MetadataMessage | undefined> {
  return findIn((cursor) => slack.conversations.history({ channel, oldest, include_all_metadata: true, limit: PAGE, ...(cursor ? { cursor } : {}) }), match);
}

/** The same in one thread. */
export function findInThread(slack: WebClient, channel: string, ts: string, oldest: string, match: (m: MetadataMessage) => boolean): Promise<MetadataMessage | undefined> {
  return findIn((cursor) => slack.conversations.replies({ channel, ts, oldest, include_all_metadata: true, limit: PAGE, ...(cursor ? { cursor } : {}) }), match);
}
