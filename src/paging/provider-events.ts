/**
 * Acts on what a pager app reports about an alert we raised (webhooks in): an acknowledgement made in
 * the PagerDuty or Opsgenie app acknowledges our page — who and when recorded, our escalation stopped, the
 * card redrawn, a thread line — exactly once per provider event. The provider's incident state is never
 * mirrored into ours: a resolved alert is a line in the thread, our incident stays the bot's to resolve.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { providerAckLine, providerMovedLine, providerNoteLine, providerResolvedLine, providerUnackLine, type ProviderLineFacts } from '../slack/blocks/provider-event.js';
import { queueCardEdit, queueThreadLine } from '../store/outbox.js';
import type { ProviderEventStore } from '../store/provider-events.js';
import { appendEvent } from '../store/timeline.js';
import type { Page } from '../store/pages.js';
import type { ProviderEvent } from './provider-event.js';
import { PROVIDER_LABEL } from './port.js';
import type { Paging } from './service.js';

export type ProviderOutcome = 'acknowledged' | 'already acknowledged' | 'resolved' | 'noted' | 'not our alert' | 'incident closed' | 'duplicate';

export interface ProviderEventsDeps {
  events: ProviderEventStore;
  paging: Paging;
  policy: Policy;
  clock: Clock;
  log: Logger;
  nudge?: () => void;
}

export class ProviderEvents {
  constructor(private readonly d: ProviderEventsDeps) {}

  async handle(e: ProviderEvent): Promise<{ outcome: ProviderOutcome; incidentId?: number }> {
    const now = this.d.clock.now();
    // The provider's time, but never in the future (a skewed clock must not make a negative ack time).
    const at = e.at.getTime() > now.getTime() || Number.isNaN(e.at.getTime()) ? now : e.at;
    const mapped = this.d.policy.webhooks[e.provider]?.users[e.who.id];
    const user = mapped ?? `${e.provider}:${e.who.id}`;
    let acked: Page[] = [];
    const r = await this.d.events.once({ provider: e.provider, eventId: e.eventId, kind: e.kind, at: now }, async (tx) => {
      const pages = await this.d.events.pagesOfAlert(tx, e.provider, e.dedupKey);
      if (pages.length === 0) return { outcome: 'not our alert' as const };
      const incidentId = pages[0]!.incidentId;
      if (!(await this.d.events.incidentOpen(tx, incidentId))) return { outcome: 'incident closed' as const, incidentId };
      const facts: ProviderLineFacts = { provider: PROVIDER_LABEL[e.provider], user, name: e.who.name, forWhom: this.d.paging.forWhom(pages[0]!), link: e.link, detail: e.detail };
      const data = { provider: e.provider, providerUser: e.who.id, name: e.who.name, dedupKey: e.dedupKey, providerEvent: e.eventId };
      const line = async (kind: string, text: (f: ProviderLineFacts) => string, extra: Record<string, unknown> = {}) => {
        const id = await appendEvent(tx, { incidentId, at, actor: user, kind, data: { ...data, ...extra } });
        await queueThreadLine(tx, { incidentId, key: `tl${id}`, text: text(facts) });
      };
      if (e.kind === 'acknowledged' || e.kind === 'resolved') {
        acked = await this.d.events.acknowledge(tx, pages, { provider: e.provider, dedupKey: e.dedupKey, by: user, byName: e.who.name, at });
        const ackMs = Math.max(0, ...acked.map((p) => p.ackMs ?? 0));
        if (acked.length > 0) await queueCardEdit(tx, incidentId);
        if (e.kind === 'resolved') {
          await line('provider_alert_resolved', (f) => providerResolvedLine({ ...f, acknowledged: acked.length > 0 }), acked.length > 0 ? { acknowledgedPages: acked.map((p) => p.id) } : {});
          return { outcome: 'resolved' as const, incidentId };
        }
        // Acknowledged in Slack (or by an earlier event) already: nothing new to say.
        if (acked.length === 0) return { outcome: 'already acknowledged' as const, incidentId };
        await line('page_acknowledged', (f) => providerAckLine({ ...f, ackMs }), { targets: [...new Set(acked.map((p) => p.target))], ackMs: [ackMs], via: e.provider });
        return { outcome: 'acknowledged' as const, incidentId };
      }
      if (e.kind === 'unacknowledged') await line('provider_unacknowledged', providerUnackLine);
      else if (e.kind === 'note') await line('provider_note', providerNoteLine, { note: e.detail });
      else await line(`provider_${e.kind}`, (f) => providerMovedLine({ ...f, how: e.kind === 'escalated' ? 'escalated' : 'reassigned' }), { to: e.detail });
      return { outcome: 'noted' as const, incidentId };
    });
    if (r === 'duplicate') {
      this.d.log.info({ provider: e.provider, event: e.eventId }, 'webhook event seen before: nothing changed');
      return { outcome: 'duplicate' };
    }
    this.d.nudge?.();
    this.d.log.info({ provider: e.provider, event: e.eventId, kind: e.kind, incident: r.incidentId, outcome: r.outcome }, 'webhook event');
    if (acked.length > 0) await this.d.paging.closeDmsAcknowledged(acked, { ackedBy: user, ackedAt: at, via: PROVIDER_LABEL[e.provider], name: e.who.name });
    return r;
  }
}
