/**
 * Alertmanager's webhook (`POST /webhooks/alertmanager`), format version 4 — also what Grafana's webhook
 * contact point sends: one notification per alert group, `status` firing|resolved, the group's key, its
 * common labels/annotations and its alerts (each with status, labels, startsAt/endsAt, fingerprint).
 */
import { z } from 'zod';

const labels = z.record(z.string(), z.string());

export const alertmanagerWebhook = z
  .object({
    // Alertmanager sends "4"; Grafana's webhook contact point sends the same shape as "1".
    version: z.enum(['4', '1']),
    groupKey: z.string().min(1).max(2_000),
    truncatedAlerts: z.number().int().min(0).default(0),
    status: z.enum(['firing', 'resolved']),
    receiver: z.string(),
    groupLabels: labels.default({}),
    commonLabels: labels.default({}),
    commonAnnotations: labels.default({}),
    externalURL: z.string().default(''),
    alerts: z
      .array(
        z
          .object({
            status: z.enum(['firing', 'resolved']),
            labels,
            annotations: labels.default({}),
            startsAt: z.string(),
            endsAt: z.string().optional(),
            generatorURL: z.string().default(''),
            fingerprint: z.string().min(1).max(200),
          })
          .passthrough(),
      )
      .max(1_000),
  })
  .passthrough();

export type AlertGroup = z.output<typeof alertmanagerWebhook>;
export type GroupAlert = AlertGroup['alerts'][number];
