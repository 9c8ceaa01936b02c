/**
 * The paging part of dr-policy.yml: each team's on-call rotation and paging routes, and the paging
 * settings. Secrets never appear here, only the names of the environment variables that hold them.
 */
import { z } from 'zod';
import { durationOr, envName } from '../policy-fields.js';
import { isTimeZone, parseClockTime, WEEKDAYS, type Rotation, type Weekday } from '../core/oncall.js';

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123ABCD');
const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+/, 'expected an http(s) URL');


/** `oncall:` — a weekly rotation: `order` (default: the members) hands over on `handover` in `timeZone`. */
export const rotationSchema = z
  .object({
    order: z.array(slackUserId).optional(),
    handover: z
      .object({
        day: z.string().transform((d, ctx) => {
          const n = WEEKDAYS[d.trim().toLowerCase()];
          if (!n) ctx.addIssue({ code: 'custom', message: 'expected a weekday like monday' });
          return (n ?? 1) as Weekday;
        }),
        time: z.string().transform((t, ctx) => {
          const m = parseClockTime(t);
          if (m === undefined) ctx.addIssue({ code: 'custom', message: 'expected a time like 09:00' });
          return m ?? 0;
        }),
      })
      .strict(),
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone like Europe/Sofia'),
    startsOn: z
      .string()
      .or(z.date().transform((d) => d.toISOString().slice(0, 10)))
      .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-01-05')),
  })
  .strict();

/** PagerDuty Events API v2: one service integration per team. */
export const pagerdutyRoute = z.object({ routingKeyEnv: envName }).strict();

/** Opsgenie Alert API: the API key of an integration, its region, and who the alert is for. */
export const opsgenieRoute = z
  .object({
    apiKeyEnv: envName,
    region: z.enum(['eu', 'us']).default('us'),
    responders: z
      .array(z.object({ type: z.enum(['team', 'user', 'escalation', 'schedule']), name: z.string().min(1).optional(), username: z.string().min(1).optional(), id: z.string().optional() }).strict())
      .optional(),
  })
  .strict();

/** Slack: the paged person gets a DM with an Acknowledge button (on unless turned off). */
export const slackRoute = z.object({ dm: z.boolean().default(true) }).strict();

/** Fields added to each team. */
export const teamPagingFields = {
  oncall: rotationSchema.optional(),
  pagerduty: pagerdutyRoute.optional(),
  opsgenie: opsgenieRoute.optional(),
  slack: slackRoute.default({ dm: true }),
};

/** The top-level `paging:` settings; every field has a default. */
export const pagingSettings = z
  .object({
    /** The team paged when a page is not acknowledged after the secondary (the last tier); default: a team called `management`. */
    management: z.string().optional(),
    /** Attempts per provider call before the failure is posted in the incident's thread. */
    attempts: z.number().int().min(1).max(20).default(5),
    /** First retry delay; doubled each attempt (with jitter), capped at one minute. */
    retryBase: durationOr('2s'),
    /** How long one provider call may take before it counts as no answer. */
    timeout: durationOr('10s'),
    pagerduty: z.object({ eventsUrl: httpUrl.default('https://events.pagerduty.com') }).strict().prefault({}),
    opsgenie: z
      .object({ euUrl: httpUrl.default('https://api.eu.opsgenie.com'), usUrl: httpUrl.default('https://api.opsgenie.com') })
      .strict()
      .prefault({}),
  })
  .strict();

export type PagingSettings = z.output<typeof pagingSettings>;
export type PagerDutyRoute = z.output<typeof pagerdutyRoute>;
export type OpsgenieRoute = z.output<typeof opsgenieRoute>;
export type RotationConfig = z.output<typeof rotationSchema>;

/** What paging needs of a team; the policy's teams have (at least) this shape. */
export interface PagingTeam {
  name: string;
  members: string[];
  usergroup?: string;
  oncall?: RotationConfig;
  pagerduty?: PagerDutyRoute;
  opsgenie?: OpsgenieRoute;
  slack: { dm: boolean };
}

/** The pure rotation of a team, its order defaulting to the members. */
export function rotationOf(team: PagingTeam): Rotation | undefined {
  const r = team.oncall;
  if (!r) return undefined;
  return { order: r.order ?? team.members, handoverDay: r.handover.day, handoverMinute: r.handover.time, timeZone: r.timeZone, startsOn: r.startsOn };
}
