/**
 * `targets.database.restoreTest`: the procedures' "Test restore to staging" on a schedule (their Testing
 * Schedule). The newest snapshot of the primary is restored into a SCRATCH instance, checked with the
 * integrity SQL, timed, and deleted; the report goes to a channel; a failure opens an incident. Self-managed
 * PostgreSQL: the newest pg_dump in `backupDir` is pg_restore'd into a scratch database on the restore server.
 */
import { z } from 'zod';
import { durationOr, envName } from '../policy-fields.js';

export const restoreTestSchema = z
  .object({
    every: durationOr('7d'),
    /** The scratch instance: created for the test and deleted after it. Never the primary or the restore target. */
    instance: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/, 'expected an RDS instance identifier like boom-card-restore-test').default('boom-card-restore-test'),
    /**
     * RDS: the scratch instance over SQL, for the integrity checks (its URL is known once it exists).
     * Self-managed (`provider: postgres`): the RESTORE SERVER (any database on it, e.g. /postgres); the scratch
     * database is created there, restored into, checked and dropped. Never the production server+database.
     */
    connectionEnv: envName.optional(),
    /** Self-managed: the directory the backups land in; the newest pg_dump custom-format file (or directory-format dump) is restored. */
    backupDir: z.string().startsWith('/', 'expected an absolute path like /var/backups/boom-card').optional(),
    /** Self-managed: the scratch database's name on the restore server (created and dropped by each test). */
    database: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case database name like boom_card_restore_test').default('boom_card_restore_test'),
    /** Self-managed: the env variable with the directory of pg_restore (e.g. /usr/lib/postgresql/16/bin); unset: pg_restore from PATH. */
    pgBinEnv: envName.optional(),
    /** Where the report goes: a channel ID the bot is in (history, which a retried report is checked against, takes no names); default: the incident channel. */
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'expected a channel ID like C0123ABCD').optional(),
    /** A failed test opens an incident of this level, commanded by this team's first member. */
    failureLevel: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(3),
    team: z.string().min(1).default('dba'),
  })
  .strict();

export type RestoreTestSettings = z.output<typeof restoreTestSchema>;
