/**
 * `targets.database.restoreTest`: the procedures' "Test restore to staging" on a schedule (their Testing
 * Schedule). The newest snapshot of the primary is restored into a SCRATCH instance, checked with the
 * integrity SQL, timed, and deleted; the report goes to a channel; a failure opens an incident.
 */
import { z } from 'zod';
import { durationOr, envName } from '../policy-fields.js';

export const restoreTestSchema = z
  .object({
    every: durationOr('7d'),
    /** The scratch instance: created for the test and deleted after it. Never the primary or the restore target. */
    instance: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'expected an RDS instance identifier like boom-card-restore-test').default('boom-card-restore-test'),
    /** The scratch instance over SQL, for the integrity checks (its URL is known once it exists). */
    connectionEnv: envName.optional(),
    /** Where the report goes: a channel ID the bot is in (history, which a retried report is checked against, takes no names); default: the incident channel. */
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a channel ID like C0123ABCD').optional(),
    /** A failed test opens an incident of this level, commanded by this team's first member. */
    failureLevel: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(3),
    team: z.string().min(1).default('dba'),
  })
  .strict();

export type RestoreTestSettings = z.output<typeof restoreTestSchema>;
