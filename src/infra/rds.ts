/** Amazon RDS: instance status for /dr health, the replica promotion of a failover, snapshots and restores. */
import type { DBInstance, DBSnapshot, RDSClient } from '@aws-sdk/client-rds';
import { isTransient } from '../core/rds-states.js';
import { RdsCallError, type RdsAutomatedBackup, type RdsInstance, type RdsSnapshot, type RestorePlacement } from './rds-types.js';
import { waitForInstance, type WaitOptions } from './rds-wait.js';

type Sdk = typeof import('@aws-sdk/client-rds');
let sdkLoading: Promise<Sdk> | undefined;
/** The AWS SDK is loaded at the first RDS call, not at start-up: ~25 MB resident and ~0.4 s of a cold start. */
const loadSdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-rds'));

export type { RdsAutomatedBackup, RdsInstance, RdsSnapshot, RestorePlacement } from './rds-types.js';
export { RdsCallError } from './rds-types.js';

const toSnapshot = (s: DBSnapshot): RdsSnapshot => ({
  id: s.DBSnapshotIdentifier ?? '',
  instance: s.DBInstanceIdentifier ?? '',
  status: s.Status ?? 'unknown',
  type: s.SnapshotType ?? 'unknown',
  createdAt: s.SnapshotCreateTime,
  encrypted: s.Encrypted === true,
  kmsKeyId: s.KmsKeyId,
  allocatedStorage: s.AllocatedStorage,
  storageType: s.StorageType,
  resourceId: s.DbiResourceId,
});

/**
 * RDS' error code: the wire's `Code` when the SDK kept it, else the exception's name with the model's
 * `Fault` suffix off ("DBInstanceNotFoundFault" → "DBInstanceNotFound"); InvalidRestoreFault is a code as is.
 */
export const rdsErrorCode = (err: unknown): string | undefined => {
  if (err instanceof RdsCallError) return err.code;
  const e = err as { name?: string; Code?: string; code?: string };
  const name = e?.name === 'InvalidRestoreFault' ? e.name : e?.name?.replace(/Fault$/, '');
  return e?.Code ?? e?.code ?? name;
};

/** Every SDK failure leaves this adapter as an RdsCallError: code, HTTP status, and whether asking again may help. */
function callError(err: unknown): RdsCallError {
  if (err instanceof RdsCallError) return err;
  const code = rdsErrorCode(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  const message = (err as Error)?.message ?? String(err);
  return new RdsCallError(code, message, status, isTransient(code, status) || (status === undefined && /timed? ?out|socket|ECONN/i.test(message)));
}

export interface RdsAccess {
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

const toInstance = (d: DBInstance): RdsInstance => ({
  id: d.DBInstanceIdentifier ?? '',
  status: d.DBInstanceStatus ?? 'unknown',
  address: d.Endpoint?.Address,
  port: d.Endpoint?.Port,
  replicaOf: d.ReadReplicaSourceDBInstanceIdentifier || undefined,
  replicaOfCluster: d.ReadReplicaSourceDBClusterIdentifier || undefined,
  replicas: d.ReadReplicaDBInstanceIdentifiers ?? [],
  latestRestorableTime: d.LatestRestorableTime,
  backupRetentionDays: d.BackupRetentionPeriod,
  statusInfos: (d.StatusInfos ?? []).map((s) => ({ type: s.StatusType ?? '', status: s.Status ?? '', normal: s.Normal !== false, message: s.Message })),
  resourceId: d.DbiResourceId,
  engine: d.Engine,
  subnetGroup: d.DBSubnetGroup?.DBSubnetGroupName,
  vpcId: d.DBSubnetGroup?.VpcId,
  securityGroups: (d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
  parameterGroup: d.DBParameterGroups?.[0]?.DBParameterGroupName,
  instanceClass: d.DBInstanceClass,
  availabilityZone: d.AvailabilityZone,
  multiAZ: d.MultiAZ === true,
  publiclyAccessible: d.PubliclyAccessible === true,
  deletionProtection: d.DeletionProtection === true,
  iamAuth: d.IAMDatabaseAuthenticationEnabled === true,
  storageType: d.StorageType,
  allocatedStorage: d.AllocatedStorage,
  iops: d.Iops,
  encrypted: d.StorageEncrypted === true,
  kmsKeyId: d.KmsKeyId,
});

/** The restore request's placement fields; a field left undefined is left to RDS (its default). */
const placementParams = (p: RestorePlacement) => ({
  DBSubnetGroupName: p.subnetGroup,
  VpcSecurityGroupIds: p.securityGroups,
  DBParameterGroupName: p.parameterGroup,
  DBInstanceClass: p.instanceClass,
  MultiAZ: p.multiAZ,
  PubliclyAccessible: p.publiclyAccessible,
  DeletionProtection: p.deletionProtection,
  EnableIAMDatabaseAuthentication: p.iamAuth,
  StorageType: p.storageType,
  AllocatedStorage: p.allocatedStorage,
  Iops: p.iops,
});

export class RdsAdapter {
  private client?: RDSClient;
  constructor(private readonly a: RdsAccess) {}

  /** The SDK and this adapter's client, made at the first call. */
  private async rds(): Promise<{ sdk: Sdk; client: RDSClient }> {
    const sdk = await loadSdk();
    const a = this.a;
    this.client ??= new sdk.RDSClient({
      region: a.region,
      ...(a.endpoint ? { endpoint: a.endpoint } : {}),
      ...(a.accessKeyId && a.secretAccessKey ? { credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken } } : {}),
      // A promotion must never be sent twice because the SDK retried it; reads are retried by the waits (rds-wait.ts).
      maxAttempts: 1,
    });
    return { sdk, client: this.client };
  }

  private async call<T>(fn: (r: { sdk: Sdk; client: RDSClient }) => Promise<T>): Promise<T> {
    const r = await this.rds();
    try {
      return await fn(r);
    } catch (err) {
      throw callError(err);
    }
  }

  /** The instance, or undefined when RDS says there is no such instance. */
  async describe(id: string, timeoutMs = 10_000): Promise<RdsInstance | undefined> {
    try {
      const r = await this.call(({ sdk, client }) => client.send(new sdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
      const d = r.DBInstances?.[0];
      return d ? toInstance(d) : undefined;
    } catch (err) {
      if ((err as RdsCallError).code === 'DBInstanceNotFound') return undefined;
      throw err;
    }
  }

  /** PromoteReadReplica; `backupRetentionDays` so the new primary keeps the old one's retention, not the API's default of 1 day. */
  async promote(id: string, o: { backupRetentionDays?: number } = {}): Promise<RdsInstance> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.PromoteReadReplicaCommand({ DBInstanceIdentifier: id, BackupRetentionPeriod: o.backupRetentionDays })));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: id });
  }

  /** ModifyDBInstance MultiAZ=true, applied now (RDS builds the standby in the background: `modifying`). */
  async makeMultiAZ(id: string): Promise<RdsInstance> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.ModifyDBInstanceCommand({ DBInstanceIdentifier: id, MultiAZ: true, ApplyImmediately: true })));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: id });
  }

  async createReplica(id: string, source: string): Promise<RdsInstance> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: id, SourceDBInstanceIdentifier: source })));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: id });
  }

  /** Snapshots, newest first: of one instance (automated and manual unless a type is given), or the one named. */
  async snapshots(q: { instance?: string; id?: string; type?: 'automated' | 'manual' }, timeoutMs = 10_000): Promise<RdsSnapshot[]> {
    try {
      const r = await this.call(({ sdk, client }) =>
        client.send(new sdk.DescribeDBSnapshotsCommand({ DBInstanceIdentifier: q.instance, DBSnapshotIdentifier: q.id, SnapshotType: q.id ? undefined : q.type }), { abortSignal: AbortSignal.timeout(timeoutMs) }),
      );
      return (r.DBSnapshots ?? []).map(toSnapshot).sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    } catch (err) {
      if (/DBSnapshotNotFound/.test((err as RdsCallError).code ?? '')) return [];
      throw err;
    }
  }

  /** `aws rds restore-db-instance-from-db-snapshot` into a NEW instance, placed as told. */
  async restoreFromSnapshot(target: string, snapshot: string, p: RestorePlacement): Promise<RdsInstance> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: target, DBSnapshotIdentifier: snapshot, ...placementParams(p) })));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: target });
  }

  /** Deletes a scratch instance (a restore test's): no final snapshot, its automated backups with it. */
  async deleteInstance(id: string): Promise<RdsInstance> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true })));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: id });
  }

  /** The automated backups of an instance (by name), including the `retained` ones of a deleted instance. */
  async automatedBackups(instance: string, timeoutMs = 10_000): Promise<RdsAutomatedBackup[]> {
    try {
      const r = await this.call(({ sdk, client }) => client.send(new sdk.DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: instance }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
      return (r.DBInstanceAutomatedBackups ?? []).map((b) => ({
        resourceId: b.DbiResourceId ?? '',
        instance: b.DBInstanceIdentifier ?? instance,
        status: b.Status ?? 'unknown',
        earliest: b.RestoreWindow?.EarliestTime,
        latest: b.RestoreWindow?.LatestTime,
        retentionDays: b.BackupRetentionPeriod,
        encrypted: b.Encrypted === true,
        kmsKeyId: b.KmsKeyId,
        storageType: b.StorageType,
      }));
    } catch (err) {
      if (/DBInstanceAutomatedBackupNotFound/.test((err as RdsCallError).code ?? '')) return [];
      throw err;
    }
  }

  /** `aws rds restore-db-instance-to-point-in-time` into a NEW instance, placed as told; from an instance, or from the retained backups of a deleted one. */
  async restoreToTime(source: string | { resourceId: string }, target: string, time: Date, p: RestorePlacement): Promise<RdsInstance> {
    const from = typeof source === 'string' ? { SourceDBInstanceIdentifier: source } : { SourceDbiResourceId: source.resourceId };
    const r = await this.call(({ sdk, client }) => client.send(new sdk.RestoreDBInstanceToPointInTimeCommand({ ...from, TargetDBInstanceIdentifier: target, RestoreTime: time, ...placementParams(p) })));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: target });
  }

  /** Waits with the DBInstanceAvailable waiter's success and failure states, through passing errors (rds-wait.ts). */
  wait(id: string, o: WaitOptions): Promise<RdsInstance> {
    return waitForInstance((timeoutMs) => this.describe(id, timeoutMs), id, o);
  }

  destroy(): void {
    this.client?.destroy();
  }
}
