import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { JobHandler } from '../scheduler/ticker.js';
import type { IncidentService } from '../incidents/service.js';
import { pageDm } from '../slack/blocks/page.js';
import type { Store } from '../store/index.js';
import type { PageStore } from '../store/pages.js';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { isOpen } from '../core/incident.js';
import { findInHistory } from '../slack/history.js';
import type { Paging } from './service.js';

export const PAGE_DM_EVENT = 'dr_page_dm';

/** What a DM's metadata says it told: the incident and its pages (ids, sorted). */
const pagesKey = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');

/**
 * After a crash between posting a DM and recording it: the DM that already landed (its metadata names the
 * incident and the pages), read back from the bot's IM with the person. Undefined when none landed — or when
 * Slack cannot tell (no im:history/im:write): then the page is sent, since a page not sent is worse than two.
 */
async function landedDm(d: { slack: WebClient; log: Logger }, o: { user: string; incident: number; pages: number[]; since: Date }): Promise<{ channel: string; ts: string } | undefined> {
  try {
    const im = await d.slack.conversations.open({ users: o.user });
    const channel = im.channel?.id;
    if (!channel) return undefined;
    const key = pagesKey(o.pages);
    const hit = await findInHistory(d.slack, channel, String(Math.floor(o.since.getTime() / 1000) - 5), (m) =>
      m.metadata?.event_type === PAGE_DM_EVENT && m.metadata.event_payload?.incident === o.incident && m.metadata.event_payload?.pages === key,
    );
    return hit?.ts ? { channel, ts: hit.ts } : undefined;
  } catch (err) {
    d.log.warn({ err, user: o.user, incident: o.incident }, 'could not read back the page DM; sending it');
    return undefined;
  }
}

/** Slack answers that no retry can fix: the person cannot be reached by DM at all. */
const UNREACHABLE = new Set(['user_not_found', 'channel_not_found', 'cannot_dm_bot', 'user_disabled', 'account_inactive', 'is_archived', 'not_allowed_token_type']);

/**
 * The `page_dm` job: one DM per person and incident with every page of theirs not yet told, and one
 * Acknowledge button for them all — so someone on call for three teams at L1 gets one message, not three.
 */
export function pageDmHandler(d: { store: Store; pages: PageStore; policy: Policy; slack: WebClient; log: Logger; incidents: IncidentService; paging: Paging; clock: Clock; slackOnce?: WebClient }): JobHandler {
  return async (job, ctx) => {
    const [incidentId, user] = job.key.split(':') as [string, string];
    const earlier = (job.payload as { posting?: number[]; postingSince?: string }) ?? {};
    // An earlier try got as far as posting: adopt its DM if it landed, for the pages it told.
    if (earlier.posting?.length && earlier.postingSince) {
      const landed = await landedDm(d, { user, incident: Number(incidentId), pages: earlier.posting, since: new Date(earlier.postingSince) });
      if (landed) {
        const still = new Set((await d.pages.awaitingDm(Number(incidentId), user)).map((p) => p.id));
        const told = earlier.posting.filter((id) => still.has(id));
        if (told.length) await d.pages.setDm(told, landed);
        d.log.info({ incident: Number(incidentId), user, ts: landed.ts }, 'page DM had already landed; adopting it');
      }
    }
    const pages = await d.pages.awaitingDm(Number(incidentId), user);
    if (pages.length === 0) return {};
    const inc = await d.store.incidents.get(Number(incidentId));
    if (!inc || !isOpen(inc.status)) return {};
    const link = await d.incidents.permalink(inc).catch(() => undefined);
    const msg = pageDm(inc, d.policy, pages.map((p) => d.paging.line(p)), link);
    const ids = pages.map((p) => p.id);
    await ctx.checkpoint({ posting: ids, postingSince: d.clock.now().toISOString() });
    let posted;
    try {
      // A user id as the channel posts in the bot's DM with them (opened if needed).
      // Through a client without automatic retries: a timed-out DM is adopted by the next try, not re-sent.
      posted = await (d.slackOnce ?? d.slack).chat.postMessage({
        channel: user,
        text: msg.text,
        blocks: msg.blocks as never,
        metadata: { event_type: PAGE_DM_EVENT, event_payload: { incident: inc.id, pages: pagesKey(ids) } },
        unfurl_links: false,
      } as never);
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      if (!code || !UNREACHABLE.has(code)) throw err; // Slack down or rate limited: the scheduler retries
      await d.pages.setDm(ids, { error: code });
      d.log.warn({ incident: inc.id, user, code }, 'page DM cannot be delivered');
      await d.paging.thread(inc, `dm-failed:${ids.join(',')}`, `:warning: Slack DM to <@${user}> failed: ${code} — reached only through PagerDuty/Opsgenie, if the team has them.`);
      return {};
    }
    await d.pages.setDm(ids, { channel: posted.channel, ts: posted.ts });
    // Acknowledged in PagerDuty/Opsgenie (or resolved) while this DM was on its way: no button left behind.
    await d.paging.settleDm(inc, ids);
    return {};
  };
}
