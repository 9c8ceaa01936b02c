/**
 * Status page out: our incident published to Atlassian Statuspage — created, updated as it changes (status,
 * level, services) and resolved with it. Every write is a `statuspage_publish` job (coalesced per incident:
 * the latest state wins), paced to one request per `minGap` per API key across all replicas (a slot taken
 * in PostgreSQL), and retried with backoff on 420/429. Drills never publish; levels outside
 * `autoPublishLevels` only once someone asks (`/incident statuspage … publish`). The card links to it.
 */
import { retryDelayMs } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { ConflictError, UserError } from '../core/errors.js';
import { incidentRef, isOpen, type Incident } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { fingerprint, pageIncident, plainBody, publicBody, type PageIncident } from '../core/statuspage.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { JobContext, JobResult } from '../scheduler/ticker.js';
import type { CardExtras } from '../slack/blocks/incident-card.js';
import type { Queryable } from '../store/db.js';
import type { Store } from '../store/index.js';
import { scheduleCoalesced } from '../store/jobs.js';
import { appendTimeline } from '../store/timeline.js';
import type { StatuspageStore } from '../store/statuspage.js';
import { StatuspageError, type StatuspageClient } from './client.js';
import type { StatuspagePolicy } from './schema.js';

export class StatusPage {
  constructor(private readonly d: { conf: StatuspagePolicy; policy: Policy; store: Store; pages: StatuspageStore; client: StatuspageClient; incidents: IncidentService; db: Queryable; clock: Clock; log: Logger; nudge?: () => void }) {}

  /** After every visible change (the card job calls this): publish if this incident is published or should be. */
  async changed(incidentId: number): Promise<void> {
    await scheduleCoalesced(this.d.db, { kind: JOB.statuspagePublish, key: String(incidentId), incidentId, gapMs: 0 });
  }

  /**
   * What the page should show: the text a person reviewed in the status-page form while the incident is still
   * in the status it was written for; otherwise (never reviewed, or the status moved on) the fixed wording.
   * Name, status, impact and the components' statuses (policy `statuspage.components`) come from the incident.
   */
  desired(inc: Incident, reviewed?: { body: string; status: string }): PageIncident {
    const names = inc.services.filter((s) => this.d.conf.components[s]).map((id) => this.d.policy.services.find((s) => s.id === id)?.name ?? id);
    const draft = pageIncident(inc, this.d.conf.components, '');
    return { ...draft, body: reviewed && reviewed.status === inc.status ? reviewed.body : publicBody(draft.status, names) };
  }

  /**
   * Someone reviewed the status-page template's draft and submitted it: that text (plain, as Statuspage takes
   * it) becomes the public body, and submitting asks to publish (as `… publish` does; drills never).
   */
  async review(inc: Incident, draft: string, by: string): Promise<void> {
    await this.mayPublish(inc); // checked first: a refused submission leaves nothing written
    await appendTimeline(this.d.db, { incidentId: inc.id, at: this.d.clock.now(), actor: by, kind: 'statuspage_reviewed', data: { body: plainBody(draft), status: inc.status } });
    await this.request(inc, by);
  }

  /** Why this incident is (not) published, for the preview. */
  async standing(inc: Incident): Promise<{ published?: string; auto: boolean; requestedBy?: string }> {
    const row = await this.d.pages.get(inc.id);
    return { ...(row?.shortlink ? { published: row.shortlink } : {}), auto: this.d.conf.autoPublishLevels.includes(inc.level), ...(row?.requestedBy ? { requestedBy: row.requestedBy } : {}) };
  }

  /** Someone asks to publish: drills never do; the request makes L3–L4 publish from now on. */
  async request(inc: Incident, by: string): Promise<void> {
    await this.mayPublish(inc);
    await this.d.pages.request(inc.id, by, this.d.clock.now());
    await this.changed(inc.id);
    this.d.nudge?.();
  }

  private async mayPublish(inc: Incident): Promise<void> {
    if (inc.drill) throw new UserError(`${incidentRef(inc.id)} is a drill: drills never publish to the status page.`);
    if (!isOpen(inc.status) && !(await this.d.pages.get(inc.id))?.pageIncidentId) throw new ConflictError(`${incidentRef(inc.id)} is already ${inc.status} and was never published; there is nothing to publish.`);
  }

  async cardExtras(inc: Incident): Promise<CardExtras> {
    const row = await this.d.pages.get(inc.id);
    return row?.shortlink ? { statusPage: row.shortlink } : {};
  }

  /** The `statuspage_publish` job. */
  async publish(incidentId: number, payload: { postingSince?: string; lookedAt?: string; limited?: number }, ctx: JobContext): Promise<JobResult> {
    const inc = await this.d.store.incidents.get(incidentId);
    if (!inc || inc.drill) return {};
    const row = await this.d.pages.get(inc.id);
    const asked = this.d.conf.autoPublishLevels.includes(inc.level) || Boolean(row?.requestedBy);
    if (!row?.pageIncidentId && (!asked || !isOpen(inc.status))) return {};
    const want = this.desired(inc, await this.d.pages.reviewed(inc.id));
    const hash = fingerprint(want);
    if (row?.publishedHash === hash) return {};
    const now = this.d.clock.now();
    // A little over the documented pace: requests leave a few milliseconds after their slot, never early.
    const wait = await this.d.pages.takeSlot(`statuspage:${this.d.conf.tokenEnv}`, Math.ceil(this.d.conf.minGap * 1.15));
    if (wait > 0) return { next: new Date(now.getTime() + wait) };
    try {
      if (!row?.pageIncidentId && payload.postingSince && !(payload.lookedAt && payload.lookedAt >= payload.postingSince)) {
        // An earlier create may have landed without its answer: adopt it. Either way the look took this
        // request slot; the update or the create waits for the next one.
        const found = await this.d.client.findOurs(inc.id);
        if (found) await this.d.pages.published(inc.id, { pageIncidentId: found.id, shortlink: found.shortlink ?? null, hash: '', status: found.status, at: now });
        else await ctx.checkpoint({ lookedAt: this.d.clock.now().toISOString() });
        return { next: new Date(now.getTime() + this.d.conf.minGap) };
      }
      if (!row?.pageIncidentId) await ctx.checkpoint({ postingSince: now.toISOString() });
      const remote = row?.pageIncidentId ? await this.d.client.update(row.pageIncidentId, want) : await this.d.client.create(want, inc.id);
      await this.d.pages.published(inc.id, { pageIncidentId: remote.id, shortlink: remote.shortlink ?? null, hash, status: want.status, at: this.d.clock.now() });
      this.d.log.info({ incident: inc.id, pageIncident: remote.id, status: want.status }, 'status page published');
      if (!row?.shortlink && remote.shortlink) await this.d.incidents.refreshCard(inc);
      return {};
    } catch (err) {
      if (!(err instanceof StatuspageError) || !err.rateLimited) throw err;
      const limited = (payload.limited ?? 0) + 1;
      await ctx.checkpoint({ limited });
      const next = new Date(this.d.clock.now().getTime() + retryDelayMs(limited, { baseMs: this.d.conf.minGap, maxMs: 60_000 }));
      this.d.log.warn({ incident: inc.id, status: err.status, limited, next }, 'status page rate-limited; trying again later');
      return { next };
    }
  }
}
