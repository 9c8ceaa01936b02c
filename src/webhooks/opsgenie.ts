/**
 * Opsgenie's outgoing webhook integration (`POST /webhooks/opsgenie`): `{action, alert: {alertId, alias,
 * username, updatedAt, note…}, source, integrationName}`, mapped to a ProviderEvent. The alias is the dedup
 * key our Alert API create gave the alert. Actions other than the four we act on are answered and ignored.
 */
import { z } from 'zod';
import type { ProviderEvent, ProviderEventKind } from '../paging/provider-event.js';

const KINDS: Record<string, ProviderEventKind> = { Acknowledge: 'acknowledged', UnAcknowledge: 'unacknowledged', Close: 'resolved', AddNote: 'note' };

export const opsgenieWebhook = z
  .object({
    action: z.string().min(1),
    alert: z
      .object({
        alertId: z.string().min(1),
        alias: z.string().optional(),
        username: z.string().optional(),
        userId: z.string().optional(),
        // Nanoseconds since the epoch: more digits than a double holds, so it only names the change.
        updatedAt: z.union([z.number(), z.string()]).optional(),
        note: z.string().optional(),
      })
      .passthrough(),
    source: z.object({ name: z.string().optional(), type: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export type OpsgenieWebhook = z.output<typeof opsgenieWebhook>;

export function fromOpsgenie(w: OpsgenieWebhook, now: Date): ProviderEvent | { ignored: string } {
  const kind = KINDS[w.action];
  if (!kind) return { ignored: `action ${w.action} is not acted on` };
  const a = w.alert;
  if (!a.alias) return { ignored: 'no alias: not an alert the bot raised' };
  const user = a.username ?? a.userId ?? 'Opsgenie';
  return {
    provider: 'opsgenie',
    // Opsgenie sends no event id: the alert, the action and the alert's update time name one change.
    eventId: `${a.alertId}:${w.action}:${String(a.updatedAt ?? '')}`.slice(0, 512),
    kind,
    dedupKey: a.alias,
    who: { id: user, name: user },
    at: now,
    detail: kind === 'note' ? a.note : undefined,
  };
}
