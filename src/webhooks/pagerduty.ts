/**
 * PagerDuty V3 webhooks (`POST /webhooks/pagerduty`): the payload `{event: {id, event_type, occurred_at,
 * agent, data}}` of the incident events we act on, mapped to a ProviderEvent. `data.incident_key` is the
 * dedup_key our Events API v2 trigger gave the alert. Events of other types are answered and ignored.
 */
import { z } from 'zod';
import type { ProviderEvent, ProviderEventKind } from '../paging/provider-event.js';

const KINDS: Record<string, ProviderEventKind> = {
  'incident.acknowledged': 'acknowledged',
  'incident.unacknowledged': 'unacknowledged',
  'incident.resolved': 'resolved',
  'incident.reassigned': 'reassigned',
  'incident.escalated': 'escalated',
};

const reference = z.object({ id: z.string(), summary: z.string().optional() }).passthrough();

export const pagerDutyWebhook = z.object({
  event: z
    .object({
      id: z.string().min(1).max(512),
      event_type: z.string().min(1),
      resource_type: z.string().optional(),
      occurred_at: z.string().datetime({ offset: true }),
      agent: reference.nullable().optional(),
      data: z.object({ incident_key: z.string().nullable().optional(), html_url: z.string().optional(), assignees: z.array(reference).optional() }).passthrough(),
    })
    .passthrough(),
});

export type PagerDutyWebhook = z.output<typeof pagerDutyWebhook>;

/** The event we act on, or why not (a type we do not handle, no incident key: not one of our alerts). */
export function fromPagerDuty(w: PagerDutyWebhook): ProviderEvent | { ignored: string } {
  const e = w.event;
  const kind = KINDS[e.event_type];
  if (!kind) return { ignored: `event type ${e.event_type} is not acted on` };
  const key = e.data.incident_key;
  if (!key) return { ignored: 'no incident_key: not an alert the bot raised' };
  const assignees = (e.data.assignees ?? []).map((a) => a.summary ?? a.id);
  return {
    provider: 'pagerduty',
    eventId: e.id,
    kind,
    dedupKey: key,
    // No agent: PagerDuty itself did it (an escalation rule, an auto-resolve).
    who: e.agent ? { id: e.agent.id, name: e.agent.summary ?? e.agent.id } : { id: 'pagerduty', name: 'PagerDuty' },
    at: new Date(e.occurred_at),
    detail: kind === 'reassigned' || kind === 'escalated' ? assignees.join(', ') || undefined : undefined,
    link: e.data.html_url,
  };
}
