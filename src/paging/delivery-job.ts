import { retryDelayMs } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { JobHandler } from '../scheduler/ticker.js';
import { failureLine } from '../slack/blocks/page.js';
import type { Store } from '../store/index.js';
import type { Delivery, Page, PageStore } from '../store/pages.js';
import type { OpsgenieRoute } from './opsgenie.js';
import type { PagerDutyRoute } from './pagerduty.js';
import { followUpEvent, triggerEvent } from './plan.js';
import { PagerError, PROVIDER_LABEL, type Pager, type PageEvent } from './port.js';
import type { Paging } from './service.js';
import type { PagingTeam } from './schema.js';
import { own } from '../core/own.js';

export interface Pagers {
  pagerduty: Pager<PagerDutyRoute>;
  opsgenie: Pager<OpsgenieRoute>;
}

interface Deps {
  store: Store;
  pages: PageStore;
  pagers: Pagers;
  policy: Policy;
  clock: Clock;
  log: Logger;
  incidents: IncidentService;
  paging: Paging;
}

/**
 * The `page_delivery` job: one provider call (trigger, acknowledge or resolve). A provider that refuses
 * (5xx, 429) or does not answer is retried with backoff up to `paging.attempts`; a final failure is
 * posted in the incident's thread, with who was reached anyway. A page is never dropped silently.
 */
export function pageDeliveryHandler(d: Deps): JobHandler {
  return async (job, ctx) => {
    const found = await d.pages.delivery(Number(job.key));
    if (!found) return {};
    const { delivery, page } = found;
    if (delivery.status === 'failed' && !delivery.reported) return report(d, delivery, page);
    if (delivery.status !== 'pending') return {};
    const now = d.clock.now();
    const skip = async (why: string) => {
      await d.pages.settle(delivery.id, { status: 'skipped', attempts: delivery.attempts, error: why, at: now });
      return {};
    };
    if (page.drill) return skip('drill: nobody outside Slack is paged');
    if (delivery.action === 'trigger' && page.status === 'resolved') return skip('the incident was resolved before the page went out');
    if (delivery.action !== 'trigger') {
      // Acknowledge/resolve only make sense for an alert the provider has; wait while its trigger is retried.
      const trigger = await d.pages.triggerOf(delivery);
      if (trigger?.status === 'pending') return { next: new Date(now.getTime() + d.policy.paging.retryBase) };
      if (trigger?.status !== 'sent') return skip('its trigger never reached the provider');
    }
    const inc = await d.store.incidents.get(page.incidentId);
    if (!inc) return skip('the incident is gone');
    const team = page.team ? (own(d.policy.teams, page.team) as PagingTeam | undefined) : undefined;
    const route = team?.[delivery.provider];
    const attempts = delivery.attempts + 1;
    let event: PageEvent;
    if (delivery.action === 'trigger') {
      const link = await d.incidents.permalink(inc).catch(() => undefined);
      const names = inc.services.map((id) => d.policy.services.find((s) => s.id === id)?.name ?? id);
      event = triggerEvent({ inc, level: d.policy.levels[inc.level], forWhom: d.paging.forWhom(page), tier: page.tier, message: page.message, link, serviceNames: names }, delivery.dedupKey);
    } else {
      const where = page.ackedVia ? PROVIDER_LABEL[page.ackedVia] : 'Slack';
      const who = delivery.action === 'acknowledge' ? `Acknowledged in ${where} by ${page.ackedByName ?? page.ackedBy ?? 'someone'}` : `Resolved in Slack (INC-${inc.id})`;
      event = followUpEvent(delivery.action, delivery.dedupKey, who);
    }
    await ctx.checkpoint({ attempt: attempts });
    try {
      if (!route) throw new PagerError(`the ${page.team ?? 'team'} team has no ${PROVIDER_LABEL[delivery.provider]} route in the policy any more`, false);
      await d.pagers[delivery.provider].send(route as never, event);
    } catch (err) {
      if (!(err instanceof PagerError)) throw err;
      const last = !err.retryable || attempts >= d.policy.paging.attempts;
      d.log.warn({ incident: inc.id, delivery: delivery.id, provider: delivery.provider, action: delivery.action, attempts, error: err.message, final: last }, 'provider call failed');
      if (!last) {
        await d.pages.settle(delivery.id, { status: 'pending', attempts, error: err.message, at: now });
        return { next: new Date(now.getTime() + retryDelayMs(attempts, { baseMs: d.policy.paging.retryBase, maxMs: 60_000 })) };
      }
      await d.pages.settle(delivery.id, { status: 'failed', attempts, error: err.message, at: now });
      return report(d, { ...delivery, status: 'failed', attempts, lastError: err.message }, page);
    }
    await d.pages.settle(delivery.id, { status: 'sent', attempts, at: d.clock.now() });
    d.log.info({ incident: inc.id, delivery: delivery.id, provider: delivery.provider, action: delivery.action, attempts }, 'provider call done');
    return {};
  };
}

/** Posts a final failure in the thread once (claimed in the row); a Slack error is thrown, so it is retried. */
async function report(d: Deps, delivery: Delivery, page: Page): Promise<{ next?: Date }> {
  if (!(await d.pages.claimReport(delivery.id))) return {};
  try {
    const inc = await d.store.incidents.get(page.incidentId);
    if (!inc) return {};
    const others = (await d.pages.deliveriesOf([page.id])).filter((x) => x.action === 'trigger' && x.status === 'sent' && x.id !== delivery.id);
    const reachedBy = [...new Set(others.map((x) => PROVIDER_LABEL[x.provider]))];
    if (page.userId && !page.dmError) reachedBy.push('Slack');
    const forWhom = page.tier >= 2 && page.team ? `${own(d.policy.teams, page.team)?.name ?? page.team} (escalation for ${d.paging.forWhom(page)})` : d.paging.forWhom(page);
    const facts = { provider: PROVIDER_LABEL[delivery.provider], action: delivery.action, forWhom, error: delivery.lastError ?? 'no reason given', reachedBy };
    await d.paging.thread(inc, `delivery-failed:${delivery.id}`, failureLine(facts));
  } catch (err) {
    await d.pages.unclaimReport(delivery.id);
    throw err;
  }
  return {};
}
