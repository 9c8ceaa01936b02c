/**
 * The `webhooks:` part of dr-policy.yml: which secrets (by env NAME) authenticate the providers' webhooks,
 * and whose pager account is which Slack user, so an acknowledgement made in the app names a person.
 */
import { z } from 'zod';
import { durationOr, envName } from '../policy-fields.js';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123ABCD');
const envNames = z.union([envName.transform((n) => [n]), z.array(envName).min(1)]);

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name like alertname');
const regex = z.string().refine((r) => {
  try {
    new RegExp(`^(?:${r})$`);
    return true;
  } catch {
    return false;
  }
}, 'expected a regular expression');

/** One rule: alerts whose labels match become a proposal at `level` for `services`. First match wins. */
export const alertRule = z
  .object({
    /** Label → exact value; every one must match. */
    match: z.record(labelName, z.string()).default({}),
    /** Label → regular expression (anchored, like Alertmanager's `=~`). */
    matchRe: z.record(labelName, regex).default({}),
    level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    services: z.array(z.string().min(1)).default([]),
    /** The incident's title; default the group's `summary` annotation, else its alertname. */
    title: z.string().min(1).max(150).optional(),
    /** Declare at once, without asking: only for rules that say so. */
    autoDeclare: z.boolean().default(false),
  })
  .strict();

export const webhooksSchema = z
  .object({
    /** PagerDuty V3 webhook subscriptions: the signing secret(s); a list while rotating. */
    pagerduty: z
      .object({
        secretEnv: envNames,
        /** PagerDuty user id (`PLH1HKV`) → Slack user. */
        users: z.record(z.string().min(1), slackUserId).default({}),
      })
      .strict()
      .optional(),
    /** Opsgenie's outgoing webhook integration, sent with the header `Authorization: Bearer <token>`. */
    opsgenie: z
      .object({
        tokenEnv: envName,
        /** Opsgenie username (an email) → Slack user. */
        users: z.record(z.string().min(1), slackUserId).default({}),
      })
      .strict()
      .optional(),
    /** Alertmanager (and Grafana's webhook contact point): `Authorization: Bearer <token>`, and the rules. */
    alertmanager: z
      .object({
        tokenEnv: envName,
        rules: z.array(alertRule).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AlertRule = z.output<typeof alertRule>;
export type WebhooksPolicy = z.output<typeof webhooksSchema>;

/** `followUps:` — where follow-ups are exported (optional): GitHub Issues of one repository. */
export const followUpsSchema = z
  .object({
    github: z
      .object({
        repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/name, like boomcard/platform'),
        tokenEnv: envName,
        apiUrl: z.string().regex(/^https?:\/\/[^\s/]+/, 'expected an http(s) URL').default('https://api.github.com'),
        labels: z.array(z.string().min(1).max(50)).default(['dr-followup']),
        /** How long one GitHub call may take. */
        timeout: durationOr('10s'),
      })
      .strict()
      .optional(),
  })
  .strict();
