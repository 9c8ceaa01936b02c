/**
 * The policy's `targets` (what /dr acts on) and `actions` (how guarded actions behave). Secrets and
 * addresses that differ per environment are never in the file: only the NAMES of the env variables holding them.
 */
import { z } from 'zod';
import { duration, envName } from '../policy-fields.js';
import { edgeTargets } from './edge/policy.js';
import { dataRecoverySchema } from './data-recovery-schema.js';
import { restoreTestSchema } from './restore-test-schema.js';


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

/** Where a restored instance goes; each key not given is read from the source instance (or snapshot). */
const placement = z
  .object({
    subnetGroup: z.string().min(1).optional(),
    securityGroups: z.array(z.string().regex(/^sg-[0-9a-z]+$/, 'expected a security group id like sg-0abc123')).min(1).optional(),
    parameterGroup: z.string().min(1).optional(),
    instanceClass: z.string().regex(/^db\./, 'expected an instance class like db.r6g.large').optional(),
    multiAZ: z.boolean().optional(),
    deletionProtection: z.boolean().optional(),
    iamAuth: z.boolean().optional(),
    storageType: z.string().min(1).optional(),
    /** Never true unless written here: a restored production database is private by default. */
    publiclyAccessible: z.boolean().default(false),
  })
  .strict()
  .prefault({});

/** How the bot's SQL checks reach an RDS instance: TLS with certificate and host name verification, IAM tokens. */
const sqlAccess = z
  .object({
    /** `verify-full`: the server's certificate must chain to `caBundle` and name the host connected to. */
    sslMode: z.enum(['verify-full', 'require', 'disable']).default('verify-full'),
    /** The CA bundle file (the RDS global bundle, https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem). */
    caBundle: z.string().min(1).optional(),
    /** Connect as this database user with an IAM authentication token (rds-db:connect) instead of the URL's password. */
    iamUser: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.sslMode === 'verify-full' && !s.caBundle) ctx.addIssue({ code: 'custom', path: ['caBundle'], message: 'sslMode verify-full needs caBundle (the path of the RDS CA bundle)' });
    if (s.iamUser && s.sslMode === 'disable') ctx.addIssue({ code: 'custom', path: ['iamUser'], message: 'IAM authentication needs TLS (sslMode require or verify-full)' });
  });

const database = z
  .object({
    provider: z.enum(['postgres', 'rds']),
    primary: z.string().min(1),
    replicas: z.array(replica).min(1, 'list at least one replica'),
    /** The platform database as the apps use it: /dr health runs SELECT 1 on it. */
    connectionEnv: envName.optional(),
    /** Self-managed: a replica further behind than this is promoted only with a warning. RDS: refused unless forced. */
    maxLagBytes: z.number().int().min(0).default(16 * 1024 * 1024),
    /** RDS: a replica further behind than this (SQL replay delay, else CloudWatch ReplicaLag) is refused unless forced. */
    maxLagSeconds: z.number().min(0).default(60),
    /** Who may promote past the lag limit with `--force` (and whose confirmation then counts). */
    forceRoles: z.array(z.string().min(1)).min(1).default(['incident_commander']),
    /**
     * Fencing: writers scaled to zero before an RDS promotion, so nothing writes to the old primary while the
     * replica is promoted, and scaled back to their count after the repoint.
     */
    fence: z.array(z.object({ namespace: k8sName.optional(), deployment: k8sName }).strict()).default([]),
    /** TLS and IAM for the SQL checks on RDS; unset: the connection URL as given. */
    sql: sqlAccess.optional(),
    /** RDS promotion: the backup retention the new primary gets (default: the old primary's), and a Multi-AZ step after it. */
    promotion: z
      .object({ backupRetentionDays: z.number().int().min(1).max(35).optional(), multiAZ: z.boolean().default(false) })
      .strict()
      .prefault({}),
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
        /** Overrides of what is read from the source (subnet group, security groups, parameter group…). */
        placement,
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
    /**
     * `/dr replay-transactions`, `/dr recover-partners`: names in the platform database, sources by env name.
     * Opt-in: when the section is there, its names are checked against the platform database at start-up.
     */
    data: dataRecoverySchema.optional(),
    /** The scheduled restore test (RDS: newest snapshot → scratch instance; postgres: newest pg_dump → scratch database) → integrity SQL → deleted; a report, an incident on failure. */
    restoreTest: restoreTestSchema.optional(),
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
    /** Env variable with a CloudWatch endpoint override (ReplicaLag when no SQL connection is configured). */
    cloudwatchEndpointEnv: envName.default('AWS_ENDPOINT_URL_CLOUDWATCH'),
    /** One limit for every wait (older policies); a wait named in `timeouts` takes its own. */
    availableTimeout: duration.optional(),
    /** How long each operation may take before the bot stops waiting (RDS keeps going): restores of big snapshots take hours. */
    timeouts: z
      .object({ promote: duration.optional(), modify: duration.optional(), restore: duration.optional(), createReplica: duration.optional() })
      .strict()
      .prefault({}),
    pollEvery: duration.default(5_000),
    /** Status checks that fail for a passing reason (throttling, a 5xx, a timeout) are retried this many times in a row before a wait gives up. */
    maxTransientErrors: z.number().int().min(0).default(12),
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
    ...edgeTargets,
    health: z.array(healthUrl).default([]),
    /** Each health check's own time limit; all run at once, so the card is ready in about this long. */
    healthTimeout: duration.default(4_000),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.database?.fence.length && !t.kubernetes) {
      ctx.addIssue({ code: 'custom', path: ['database', 'fence'], message: 'fencing deployments needs targets.kubernetes (how to reach the cluster)' });
    }
    const rt = t.database?.restoreTest;
    if (rt && t.database!.provider === 'postgres') {
      if (!rt.backupDir) ctx.addIssue({ code: 'custom', path: ['database', 'restoreTest', 'backupDir'], message: 'a self-managed restore test needs backupDir (the directory the pg_dump files land in)' });
      if (!rt.connectionEnv) ctx.addIssue({ code: 'custom', path: ['database', 'restoreTest', 'connectionEnv'], message: 'a self-managed restore test needs connectionEnv (the env variable with the restore server\'s URL)' });
    }
    if (rt && t.database!.provider === 'rds' && (rt.backupDir || rt.pgBinEnv)) {
      ctx.addIssue({ code: 'custom', path: ['database', 'restoreTest', rt.backupDir ? 'backupDir' : 'pgBinEnv'], message: 'backupDir and pgBinEnv are for provider postgres; RDS restores its own snapshots' });
    }
    if (t.database?.restoreTest && t.database.provider === 'rds' && [t.database.primary, t.database.restore.instance, ...t.database.replicas.map((r) => r.name)].includes(t.database.restoreTest.instance)) {
      ctx.addIssue({ code: 'custom', path: ['database', 'restoreTest', 'instance'], message: 'the scratch instance must not be the primary, a replica or the restore target: it is deleted after each test' });
    }
    if (t.database?.data?.regenerateQr && !t.kubernetes) {
      ctx.addIssue({ code: 'custom', path: ['database', 'data', 'regenerateQr'], message: 'a regeneration Job needs targets.kubernetes (how to reach the cluster)' });
    }
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
export type RestorePlacement = DatabaseTarget['restore']['placement'];
export type SqlAccess = NonNullable<DatabaseTarget['sql']>;
export type RdsOperation = keyof RdsTarget['timeouts'];
export type RepointTarget = DatabaseTarget['repoint'][number];
export type ActionSettings = z.output<typeof actionsSchema>;

/** RDS settings when the policy gives none (region, endpoint override variable, waits). */
export const rdsDefaults: RdsTarget = rds.parse({});

const DEFAULT_TIMEOUTS: Record<RdsOperation, number> = { promote: 1_800_000, modify: 3_600_000, restore: 4 * 3_600_000, createReplica: 3_600_000 };

/** How long the bot waits for one kind of RDS operation: its own timeout, else the policy's one limit, else the default. */
export const rdsTimeout = (t: RdsTarget, op: RdsOperation): number => t.timeouts[op] ?? t.availableTimeout ?? DEFAULT_TIMEOUTS[op];
