import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { duration } from './policy-fields.js';
import type { LevelNumber, LevelPolicy } from './core/levels.js';
import type { RoleTable } from './core/roles.js';
import { pagingSettings, teamPagingFields } from './paging/schema.js';
import { actionsSchema, targetsSchema } from './runbooks/policy-schema.js';


const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123ABCD');

const level = z
  .object({
    name: z.string().min(1),
    emoji: z.string().default(':rotating_light:'),
    summary: z.string().default(''),
    respondWithin: duration,
    escalation: z.string().min(1),
    notify: z.array(z.string()).default([]),
    page: z.boolean().default(false),
    updateEvery: duration.default(1_800_000),
    twoPersonRule: z.boolean().default(false),
    ackTimeout: duration.default(900_000),
    /** Recovery time objectives: how soon the incident should be acknowledged, mitigated, resolved. */
    objectives: z
      // rpo: data a recovery may lose (lag at promotion, restore point before the start); rto: declaration → probes passing.
      .object({ acknowledge: duration.optional(), mitigate: duration.optional(), resolve: duration.optional(), rpo: duration.optional(), rto: duration.optional() })
      .strict()
      .default({}),
  })
  .strict()
  .transform(
    (l): LevelPolicy => ({
      name: l.name,
      emoji: l.emoji,
      summary: l.summary,
      respondWithinMs: l.respondWithin,
      escalation: l.escalation,
      notify: l.notify,
      page: l.page,
      updateEveryMs: l.updateEvery,
      twoPersonRule: l.twoPersonRule,
      ackTimeoutMs: l.ackTimeout,
      objectives: { acknowledgeMs: l.objectives.acknowledge, mitigateMs: l.objectives.mitigate, resolveMs: l.objectives.resolve, rpoMs: l.objectives.rpo, rtoMs: l.objectives.rto },
    }),
  );

const role = z
  .object({ name: z.string().min(1), aliases: z.array(z.string()).default([]), duties: z.array(z.string()).default([]) })
  .strict();

const team = z
  .object({
    name: z.string().min(1),
    members: z.array(slackUserId).default([]),
    /** Roles the members hold outside any incident, e.g. the DBA team holds `dba`. */
    roles: z.array(z.string()).default([]),
    /** The team's Slack user group (`S…`): mentioned as one group instead of each member. */
    usergroup: z.string().regex(/^S[A-Z0-9]{2,}$/, 'expected a Slack user group id like S0123ABCD').optional(),
    /** On-call rotation and paging routes (PagerDuty, Opsgenie, Slack): src/paging/schema.ts. */
    ...teamPagingFields,
  })
  .passthrough();

const service = z
  .union([z.string().min(1).transform((id) => ({ id, name: id })), z.object({ id: z.string().min(1), name: z.string().min(1) }).strict()]);

export const policySchema = z
  .object({
    levels: z.object({ 1: level, 2: level, 3: level, 4: level }).strict(),
    roles: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'role ids are lower_snake_case'), role),
    teams: z.record(z.string(), team).default({}),
    services: z.array(service).min(1, 'list at least one service'),
    /** What /dr acts on (database, redis, kubernetes, rds, health URLs): src/runbooks/policy-schema.ts. */
    targets: targetsSchema.prefault({}),
    /** Guarded recovery actions: expiry, heartbeats, stale-run detection. */
    actions: actionsSchema.prefault({}),
    /** The checklist and integrity checks are validated by the capabilities that use them. */
    /** "System Verification Checklist"; items with a probe tick themselves when the probe passes. */
    checklist: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z0-9-]+$/, 'ids are lower-case-with-dashes'),
          text: z.string().min(1).max(75),
          probe: z.enum(['replication_lag', 'health_urls', 'redis', 'kubernetes']).optional(),
        }).strict(),
      )
      .max(40)
      .default([]),
    contacts: z.record(z.string(), z.string()).default({}),
    /** Paging settings: management tier, retries, provider base URLs (src/paging/schema.ts). */
    paging: pagingSettings.prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [n, l] of Object.entries(p.levels)) {
      for (const t of l.notify) {
        if (t !== 'all-teams' && !(t in p.teams)) {
          ctx.addIssue({ code: 'custom', path: ['levels', n, 'notify'], message: `unknown team "${t}" (teams: ${Object.keys(p.teams).join(', ') || 'none'})` });
        }
      }
    }
    for (const [id, t] of Object.entries(p.teams)) {
      for (const r of t.roles) {
        if (!(r in p.roles)) ctx.addIssue({ code: 'custom', path: ['teams', id, 'roles'], message: `unknown role "${r}"` });
      }
    }
    if (p.paging.management !== undefined && !(p.paging.management in p.teams)) {
      ctx.addIssue({ code: 'custom', path: ['paging', 'management'], message: `unknown team "${p.paging.management}"` });
    }
    if (!('incident_commander' in p.roles)) ctx.addIssue({ code: 'custom', path: ['roles'], message: 'the incident_commander role is required' });
  });

type Parsed = z.output<typeof policySchema>;
export interface Policy extends Omit<Parsed, 'levels' | 'roles'> {
  levels: Record<LevelNumber, LevelPolicy>;
  roles: RoleTable;
}

export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid DR policy:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

export function parsePolicy(text: string, source = 'dr-policy.yml'): Policy {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new PolicyError(source, doc.errors.map((e) => e.message));
  const result = policySchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new PolicyError(
      source,
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${readable(i.message)}`),
    );
  }
  return result.data as Policy;
}

export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  return parsePolicy(text, path);
}

/** zod says "Invalid input: expected object, received undefined" where a person would say "missing". */
const readable = (message: string): string => (/received undefined$/.test(message) ? 'missing' : message);
