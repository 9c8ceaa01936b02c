/**
 * The `webhooks:` part of dr-policy.yml: which secrets (by env NAME) authenticate the providers' webhooks,
 * and whose pager account is which Slack user, so an acknowledgement made in the app names a person.
 */
import { z } from 'zod';
import { envName } from '../policy-fields.js';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123ABCD');
const envNames = z.union([envName.transform((n) => [n]), z.array(envName).min(1)]);

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
  })
  .strict();

export type WebhooksPolicy = z.output<typeof webhooksSchema>;
