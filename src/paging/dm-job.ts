import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { JobHandler } from '../scheduler/ticker.js';
import type { IncidentService } from '../incidents/service.js';
import { pageDm } from '../slack/blocks/page.js';
import type { Store } from '../store/index.js';
import type { PageStore } from '../store/pages.js';
import type { WebClient } from '@slack/web-api';
import { isOpen } from '../core/incident.js';
import type { Paging } from './service.js';

/** Slack answers that no retry can fix: the person cannot be reached by DM at all. */
const UNREACHABLE = new Set(['user_not_found', 'channel_not_found', 'cannot_dm_bot', 'user_disabled', 'account_inactive', 'is_archived', 'not_allowed_token_type']);

/**
 * The `page_dm` job: one DM per person and incident with every page of theirs not yet told, and one
 * Acknowledge button for them all — so someone on call for three teams at L1 gets one message, not three.
 */
export function pageDmHandler(d: { store: Store; pages: PageStore; policy: Policy; slack: WebClient; log: Logger; incidents: IncidentService; paging: Paging }): JobHandler {
  return async (job, ctx) => {
    const [incidentId, user] = job.key.split(':') as [string, string];
    const pages = await d.pages.awaitingDm(Number(incidentId), user);
    if (pages.length === 0) return {};
    const inc = await d.store.incidents.get(Number(incidentId));
    if (!inc || !isOpen(inc.status)) return {};
    const link = await d.incidents.permalink(inc).catch(() => undefined);
    const msg = pageDm(inc, d.policy, pages.map((p) => d.paging.line(p)), link);
    const ids = pages.map((p) => p.id);
    await ctx.checkpoint({ posting: ids });
    let posted;
    try {
      // A user id as the channel posts in the bot's DM with them (opened if needed).
      posted = await d.slack.chat.postMessage({ channel: user, text: msg.text, blocks: msg.blocks as never, unfurl_links: false });
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (!code || !UNREACHABLE.has(code)) throw err; // Slack down or rate limited: the scheduler retries
      await d.pages.setDm(ids, { error: code });
      d.log.warn({ incident: inc.id, user, code }, 'page DM cannot be delivered');
      await d.paging.thread(inc, `dm-failed:${ids.join(',')}`, `:warning: Slack DM to <@${user}> failed: ${code} — reached only through PagerDuty/Opsgenie, if the team has them.`);
      return {};
    }
    await d.pages.setDm(ids, { channel: posted.channel, ts: posted.ts });
    return {};
  };
}
