import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { pageEscalationHandler } from '../scheduler/page-escalation.js';
import type { JobHandler } from '../scheduler/ticker.js';
import { registerPagingInteractions } from '../slack/interactions-paging.js';
import type { Store } from '../store/index.js';
import { PAGE_DELIVERY, PAGE_DM, PAGE_ESCALATION, PageStore } from '../store/pages.js';
import { pageDeliveryHandler, type Pagers } from './delivery-job.js';
import { pageDmHandler } from './dm-job.js';
import { OnCallDirectory } from './oncall.js';
import { OpsgeniePager } from './opsgenie.js';
import { PagerDutyPager } from './pagerduty.js';
import { Paging } from './service.js';

export interface PagingParts {
  service: Paging;
  oncall: OnCallDirectory;
  pages: PageStore;
  pagers: Pagers;
  jobHandlers: Record<string, JobHandler>;
  register(app: App): void;
}

/**
 * Builds paging for the composition root. Secrets and base-URL overrides are read from `env` by NAME:
 * the policy's routing-key/API-key variables, `PAGERDUTY_EVENTS_URL`, `OPSGENIE_API_URL` (both regions).
 */
export function createPaging(d: { store: Store; policy: Policy; slack: WebClient; clock: Clock; log: Logger; incidents: IncidentService; env: Record<string, string | undefined>; pagers?: Pagers; nudge?: () => void }): PagingParts {
  const secret = (name: string) => d.env[name]?.trim() || undefined;
  const timeoutMs = d.policy.paging.timeout;
  const og = secret('OPSGENIE_API_URL');
  const pagers: Pagers = d.pagers ?? {
    pagerduty: new PagerDutyPager({ eventsUrl: secret('PAGERDUTY_EVENTS_URL') ?? d.policy.paging.pagerduty.eventsUrl, secret, timeoutMs }),
    opsgenie: new OpsgeniePager({ urls: { eu: og ?? d.policy.paging.opsgenie.euUrl, us: og ?? d.policy.paging.opsgenie.usUrl }, secret, timeoutMs }),
  };
  const pages = new PageStore(d.store.db);
  const oncall = new OnCallDirectory({ policy: d.policy, pages, clock: d.clock });
  const service = new Paging({ ...d, pages, oncall });
  const deps = { ...d, pages, oncall, pagers, paging: service };
  return {
    service,
    oncall,
    pages,
    pagers,
    jobHandlers: {
      [PAGE_DELIVERY]: pageDeliveryHandler(deps),
      [PAGE_DM]: pageDmHandler(deps),
      [PAGE_ESCALATION]: pageEscalationHandler(deps),
    },
    register: (app) => registerPagingInteractions(app, { paging: service }),
  };
}
