/**
 * Slack's own links to messages (chat.getPermalink: no scope needed, any conversation type). A message's
 * permalink never changes, so each is asked once per process (the App Home asks for every open incident).
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../observability/logger.js';

export class Permalinks {
  private readonly known = new Map<string, string>();

  /** `deps` is read at each call: the owner's dependencies may be set after this is made. */
  constructor(private readonly deps: () => { slack: WebClient; log: Logger }) {}

  async of(channel: string | null, ts: string | null, incident: number): Promise<string | undefined> {
    if (!channel || !ts) return undefined;
    const key = `${channel}/${ts}`;
    const known = this.known.get(key);
    if (known) return known;
    const { slack, log } = this.deps();
    try {
      const link = (await slack.chat.getPermalink({ channel, message_ts: ts })).permalink;
      if (link) this.known.set(key, link);
      return link;
    } catch (err) {
      log.warn({ err, incident }, 'no permalink for the card');
      return undefined;
    }
  }
}
