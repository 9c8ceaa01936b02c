/**
 * `targets.database.data`: the procedures' "Data Recovery Procedures" as the bot runs them — which function
 * replays a transaction, which tables hold the audit log and the partners, and which databases a partner
 * recovery may copy from (by env NAME, like every address). Names are SQL identifiers, checked here for
 * shape and against the platform database at start-up (data-names.ts).
 */
import { z } from 'zod';
import { duration, durationOr, envName } from '../policy-fields.js';

/** `replay_transaction`, `public.audit_log`: lower-case identifiers, optionally schema-qualified (never quoted, never interpolated unchecked). */
export const sqlName = z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, 'expected a lower-case SQL name like audit_log or public.audit_log');

const replay = z
  .object({
    /** Called once per audit row, with its `transaction_data` (jsonb), inside the batch's transaction. */
    function: sqlName.default('replay_transaction'),
    auditTable: sqlName.default('audit_log'),
    transactionsTable: sqlName.default('transactions'),
    /** The bot's own table in the platform database: one row per audit row replayed, written in the same transaction as the replay. */
    ledgerTable: sqlName.default('dr_bot_replayed'),
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** `--since` older than this is refused (the audit log keeps no more, and the backups no older). */
    retention: durationOr('30d'),
  })
  .strict()
  .prefault({});

const partners = z
  .object({
    /** `/dr recover-partners --from <name>`: the databases (a restored instance, a backup server) by the env variable holding the URL. */
    sources: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a source name like backup or restored'), envName).default({}),
    /** Copied in this order, in one transaction (parents before the rows that reference them). */
    tables: z.array(sqlName).min(1).default(['partners', 'partner_locations', 'partner_offers']),
    /** The procedures' QR integrity SQL: codes whose partner is missing, partners with no code. */
    partnersTable: sqlName.default('partners'),
    qrTable: sqlName.default('qr_codes'),
    /** Rows hashed together per primary-key bucket; only differing buckets are compared row by row. */
    bucketSize: z.number().int().min(10).max(1_000_000).default(1_000),
    /** Rows per progress line of the copy. */
    copyBatch: z.number().int().min(100).default(5_000),
  })
  .strict()
  .prefault({});

/** `/dr regenerate-qr --missing-only`: a Job made from this CronJob's template (`kubectl create job --from=cronjob/…`). */
const regenerateQr = z
  .object({
    cronJob: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a Kubernetes name like qr-regenerate'),
    /** Default: targets.kubernetes.namespace. */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Kubernetes namespace').optional(),
    /** Appended to the first container's args for a missing-only run (the procedures' `regenerate-qr-batch.sh --missing-only`). */
    args: z.array(z.string()).default(['--missing-only']),
    timeout: durationOr('30m'),
    pollEvery: durationOr('2s'),
  })
  .strict();

export const dataRecoverySchema = z
  .object({
    replay,
    partners,
    regenerateQr: regenerateQr.optional(),
    /** How long one statement (a replay batch, a table's hash, a copy) may run. */
    statementTimeout: duration.default(600_000),
  })
  .strict();

export type DataRecovery = z.output<typeof dataRecoverySchema>;
export type ReplaySettings = DataRecovery['replay'];
export type PartnerSettings = DataRecovery['partners'];
