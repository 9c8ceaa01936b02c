/**
 * The policy's `targets` (what /dr acts on) and `actions` (how guarded actions behave). Secrets and
 * addresses that differ per environment are never in the file: only the NAMES of the env variables holding them.
 */
import { z } from 'zod';
import { duration, envName } from '../policy-fields.js';


const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a Kubernetes name like api-gateway');

const repoint = z
  .object({
    namespace: k8sName.optional(),
    deployment: k8sName,
    /** The container to patch; default: every container of the deployment that already sets `env`. */
    container: z.string().optional(),
    env: z.string().default('DB_HOST'),
  })
  .strict();

/** A replica: a bare name (RDS instance id) or with how to reach it over SQL (self-managed, or verify on RDS). */
const replica = z.union([
  z.string().min(1).transform((name) => ({ name, connectionEnv: undefined as string | undefined, host: undefined as string | undefined })),
  z.object({ name: z.string().min(1), connectionEnv: envName.optional(), host: z.string().optional() }).strict(),
]);

const database = z
  .object({
    provider: z.enum(['postgres', 'rds']),
    primary: z.string().min(1),
    replicas: z.array(replica).min(1, 'list at least one replica'),
    /** The platform database as the apps use it: /dr health runs SELECT 1 on it. */
    connectionEnv: envName.optional(),
    /** A replica further behind than this is promoted only with a warning on the plan. */
    maxLagBytes: z.number().int().min(0).default(16 * 1024 * 1024),
    /** How long to wait for pg_promote / RDS to report the new primary. */
    promoteTimeout: duration.default(60_000),
    repoint: z.array(repoint).default([]),
    /** RDS: a new standby created from the promoted instance; `{new}` = the promoted one's id. */
    newReplica: z.string().default('{new}-standby'),
    /** A table the verify step writes one row to, proving the new primary takes writes. */
    writeCheckTable: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('dr_bot_write_check'),
    /** `/dr restore-db`: the NEW instance a snapshot or point in time is restored into (never the primary). */
    restore: z
      .object({
        instance: z.string().min(1).default('boom-card-recovery'),
        /** The restored instance over SQL, for the integrity checks after the restore (its URL is known only once it exists). */
        connectionEnv: envName.optional(),
      })
      .strict()
      .prefault({}),
    /** `/dr verify-backup`: the newest automated snapshot older than this is unhealthy ("daily backup"). */
    maxBackupAge: duration.default(86_400_000),
    /** `/dr verify-integrity`: what counts as healthy, and how long one check may take. */
    integrity: z
      .object({
        statementTimeout: duration.default(10_000),
        minTransactions24h: z.number().int().min(0).default(0),
        maxOrphanedTransactions: z.number().int().min(0).default(0),
        maxQrCodesWithoutPartner: z.number().int().min(0).default(0),
        maxAuditPastLastKnown: z.number().int().min(0).default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((d, ctx) => {
    d.replicas.forEach((r, i) => {
      if (d.provider === 'postgres' && !r.connectionEnv) {
        ctx.addIssue({ code: 'custom', path: ['replicas', i, 'connectionEnv'], message: 'a self-managed replica needs connectionEnv (the env variable with its URL)' });
      }
    });
  });

const kubernetes = z
  .object({
    namespace: k8sName.default('default'),
    /** Env variable with a kubeconfig path; else `serverEnv` (+ `tokenEnv`), else in-cluster/default kubeconfig. */
    kubeconfigEnv: envName.optional(),
    serverEnv: envName.optional(),
    tokenEnv: envName.optional(),
    /** Deployments /dr health reports (ready/desired); `stableImage` is for rollbacks. */
    deployments: z
      .record(
        k8sName,
        z
          .object({ stableImage: z.string().optional(), minReplicas: z.number().int().min(0).optional(), maxReplicas: z.number().int().min(1).optional() })
          .strict()
          .nullable()
          .transform((d) => d ?? {}),
      )
      .default({}),
    rolloutTimeout: duration.default(300_000),
    /** `/dr scale` bounds for a deployment that sets none of its own. */
    minReplicas: z.number().int().min(0).default(1),
    maxReplicas: z.number().int().min(1).default(20),
    /** `/dr recover-service <service>`: the manifest server-side applied (`kubectl apply`), and the deployment waited for. */
    recovery: z.record(z.string().regex(/^[a-z0-9-]+$/), z.object({ manifest: z.string().min(1), deployment: k8sName }).strict()).default({}),
    /** The field manager of server-side apply: who owns the fields the bot sets. */
    fieldManager: z.string().min(1).default('dr-bot'),
  })
  .strict();

const rds = z
  .object({
    region: z.string().default('eu-central-1'),
    regionEnv: envName.default('AWS_REGION'),
    /** Env variable with an endpoint override (a test peer, a VPC endpoint). */
    endpointEnv: envName.default('AWS_ENDPOINT_URL_RDS'),
    /** How long to wait for an instance to become available again, and how often to look. */
    availableTimeout: duration.default(1_800_000),
    pollEvery: duration.default(5_000),
  })
  .strict();

const healthUrl = z
  .object({ name: z.string().min(1), url: z.string().url().optional(), urlEnv: envName.optional() })
  .strict()
  .refine((h) => Boolean(h.url) !== Boolean(h.urlEnv), 'give either url or urlEnv');

export const targetsSchema = z
  .object({
    database: database.optional(),
    /** `db`: the database `/dr flush-cache` empties when none is named (the platform's cache). */
    redis: z.object({ urlEnv: envName, db: z.number().int().min(0).max(15).default(0) }).strict().optional(),
    kubernetes: kubernetes.optional(),
    rds: rds.optional(),
    health: z.array(healthUrl).default([]),
    /** Each health check's own time limit; all run at once, so the card is ready in about this long. */
    healthTimeout: duration.default(4_000),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.database?.repoint.length && !t.kubernetes) {
      ctx.addIssue({ code: 'custom', path: ['database', 'repoint'], message: 'repointing deployments needs targets.kubernetes (how to reach the cluster)' });
    }
  });

export const actionsSchema = z
  .object({
    /** A plan nobody confirmed is void after this. */
    expireAfter: duration.default(600_000),
    /** A running action writes its heartbeat this often… */
    heartbeatEvery: duration.default(5_000),
    /** …and one silent for this long is `interrupted` (its process died), announced, never resumed. */
    staleAfter: duration.default(60_000),
    staleCheckEvery: duration.default(15_000),
  })
  .strict();

export type Targets = z.output<typeof targetsSchema>;
export type DatabaseTarget = NonNullable<Targets['database']>;
export type KubernetesTarget = NonNullable<Targets['kubernetes']>;
export type RdsTarget = NonNullable<Targets['rds']>;
export type RepointTarget = DatabaseTarget['repoint'][number];
export type ActionSettings = z.output<typeof actionsSchema>;

/** RDS settings when the policy gives none (region, endpoint override variable, waits). */
export const rdsDefaults: RdsTarget = rds.parse({});
