/**
 * What a pager app tells us about an alert we raised, whatever the provider: the webhook adapters
 * (src/webhooks/pagerduty.ts, opsgenie.ts) turn their payloads into this, and paging acts on it.
 */
import type { Provider } from './port.js';

export type ProviderEventKind = 'acknowledged' | 'unacknowledged' | 'resolved' | 'reassigned' | 'escalated' | 'note';

export interface ProviderEvent {
  provider: Provider;
  /** The provider's id of this event: a replay carries the same one. */
  eventId: string;
  kind: ProviderEventKind;
  /** Our dedup key (PagerDuty `incident_key`, Opsgenie `alias`): how the event finds our page. */
  dedupKey: string;
  /** Who did it in the pager app: the provider's user id and name. */
  who: { id: string; name: string };
  at: Date;
  /** Reassigned/escalated: to whom; a note: its text. */
  detail?: string;
  /** The provider's page for the alert. */
  link?: string;
}
