import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { pageEscalationHandler } from '../scheduler/page-escalation.js';
import { z } from 'zod';
import { incidentRef, isOpen } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
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
  /** Typed definitions of paging's jobs: provider calls, DMs, escalations, page rounds, resolve follow-ups. */
  jobs: RegisteredJob[];
  register(app: App): void;
}

/**
 * Builds paging for the composition root. Secrets and base-URL overrides are read from `env` by NAME:
 * the policy's routing-key/API-key variables, `PAGERDUTY_EVENTS_URL`, `OPSGENIE_API_URL` (both regions).
 */
export function createPaging(d: { store: Store; policy: Policy; slack: WebClient; clock: Clock; log: Logger; incidents: IncidentService; env: Record<string, string | undefined>; pagers?: Pagers; nudge?: () => void; slackOnce?: WebClient }): PagingParts {
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
    jobs: pagingJobs(deps),
    register: (app) => registerPagingInteractions(app, { paging: service }),
  };
}

const ref = (id: number | null) => (id === null ? 'an incident' : incidentRef(id));

function pagingJobs(deps: Parameters<typeof pageDeliveryHandler>[0] & Parameters<typeof pageEscalationHandler>[0] & Parameters<typeof pageDmHandler>[0]): RegisteredJob[] {
  const delivery = pageDeliveryHandler(deps);
  const dm = pageDmHandler(deps);
  const escalation = pageEscalationHandler(deps);
  const load = async (id: number | null) => (id === null ? undefined : deps.store.incidents.get(id));
  return [
    // A provider call counts its own attempts (paging.attempts) and reports a final failure in the thread;
    // the job's own limit only guards against a handler that keeps throwing (the database, Slack).
    defineJob({ kind: PAGE_DELIVERY, payload: z.object({ attempt: z.number().int().optional() }), maxAttempts: 20, what: (j) => `call the pager for ${ref(j.incidentId)}`, run: (j, c) => delivery(j, c) }),
    defineJob({ kind: PAGE_DM, payload: z.object({ posting: z.array(z.number()).optional(), postingSince: z.string().datetime().optional() }), maxAttempts: 12, what: (j) => `send the page DM to <@${j.key.split(':')[1]}>`, run: (j, c) => dm(j, c) }),
    defineJob({ kind: PAGE_ESCALATION, payload: z.object({ target: z.string().optional(), tier: z.number().int().optional() }), maxAttempts: 12, what: (j) => `escalate an unacknowledged page of ${ref(j.incidentId)}`, run: (j, c) => escalation(j, c) }),
    defineJob({
      kind: JOB.pageRound,
      payload: z.object({ reason: z.enum(['declared', 'level_raised']), actor: z.string() }),
      maxAttempts: 12,
      what: (j) => `page the people of ${ref(j.incidentId)}`,
      run: async (j) => {
        const inc = await load(j.incidentId);
        if (!inc || !isOpen(inc.status)) return {};
        await deps.paging.round(inc, j.payload.reason, j.payload.actor, j.key);
        return {};
      },
    }),
    defineJob({
      kind: JOB.pageResolve,
      payload: z.object({}),
      maxAttempts: 12,
      what: (j) => `resolve the pages of ${ref(j.incidentId)}`,
      run: async (j) => {
        const inc = await load(j.incidentId);
        if (inc) await deps.paging.resolved(inc);
        return {};
      },
    }),
  ];
}
