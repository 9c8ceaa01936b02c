/** Amazon RDS: instance status for /dr health, the replica promotion of a failover, snapshots and restores. */
import type { DBInstance, DBSnapshot, RDSClient } from '@aws-sdk/client-rds';

type Sdk = typeof import('@aws-sdk/client-rds');
let sdkLoading: Promise<Sdk> | undefined;
/** The AWS SDK is loaded at the first RDS call, not at start-up: ~25 MB resident and ~0.4 s of a cold start. */
const loadSdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-rds'));

export interface RdsInstance {
  id: string;
  status: string;
  address?: string;
  port?: number;
  /** Set on a read replica: the instance it replicates from. */
  replicaOf?: string;
  replicas: string[];
  /** Point-in-time restore window: up to this time, back `backupRetentionDays` days (0 = no PITR). */
  latestRestorableTime?: Date;
  backupRetentionDays?: number;
}

export interface RdsSnapshot {
  id: string;
  instance: string;
  status: string;
  type: string;
  createdAt?: Date;
}

const toSnapshot = (s: DBSnapshot): RdsSnapshot => ({
  id: s.DBSnapshotIdentifier ?? '',
  instance: s.DBInstanceIdentifier ?? '',
  status: s.Status ?? 'unknown',
  type: s.SnapshotType ?? 'unknown',
  createdAt: s.SnapshotCreateTime,
});

/** RDS' error code, whichever field the SDK put it in. */
export const rdsErrorCode = (err: unknown): string | undefined => (err as { name?: string; Code?: string })?.Code ?? (err as { name?: string })?.name;

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
  replicas: d.ReadReplicaDBInstanceIdentifiers ?? [],
  latestRestorableTime: d.LatestRestorableTime,
  backupRetentionDays: d.BackupRetentionPeriod,
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
      // A promotion must never be sent twice because the SDK retried it; reads are polled by our own loops.
      maxAttempts: 1,
    });
    return { sdk, client: this.client };
  }

  /** The instance, or undefined when RDS says there is no such instance. */
  async describe(id: string, timeoutMs = 10_000): Promise<RdsInstance | undefined> {
    try {
      const { sdk, client } = await this.rds();
      const r = await client.send(new sdk.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), { abortSignal: AbortSignal.timeout(timeoutMs) });
      const d = r.DBInstances?.[0];
      return d ? toInstance(d) : undefined;
    } catch (err) {
      const e = err as { name?: string; Code?: string };
      if (e.name === 'DBInstanceNotFoundFault' || e.name === 'DBInstanceNotFound' || e.Code === 'DBInstanceNotFound') return undefined;
      throw err;
    }
  }

  async promote(id: string): Promise<RdsInstance> {
    const { sdk, client } = await this.rds();
    const r = await client.send(new sdk.PromoteReadReplicaCommand({ DBInstanceIdentifier: id }));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: id });
  }

  async createReplica(id: string, source: string): Promise<RdsInstance> {
    const { sdk, client } = await this.rds();
    const r = await client.send(new sdk.CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: id, SourceDBInstanceIdentifier: source }));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: id });
  }

  /** Snapshots, newest first: of one instance (`automated` by default), or the one named. */
  async snapshots(q: { instance?: string; id?: string; type?: 'automated' | 'manual' }, timeoutMs = 10_000): Promise<RdsSnapshot[]> {
    try {
      const { sdk, client } = await this.rds();
      const r = await client.send(
        new sdk.DescribeDBSnapshotsCommand({ DBInstanceIdentifier: q.instance, DBSnapshotIdentifier: q.id, SnapshotType: q.id ? undefined : (q.type ?? 'automated') }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      return (r.DBSnapshots ?? []).map(toSnapshot).sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    } catch (err) {
      if (/DBSnapshotNotFound/.test(rdsErrorCode(err) ?? '')) return [];
      throw err;
    }
  }

  /** `aws rds restore-db-instance-from-db-snapshot` into a NEW instance. */
  async restoreFromSnapshot(target: string, snapshot: string): Promise<RdsInstance> {
    const { sdk, client } = await this.rds();
    const r = await client.send(new sdk.RestoreDBInstanceFromDBSnapshotCommand({ DBInstanceIdentifier: target, DBSnapshotIdentifier: snapshot }));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: target });
  }

  /** `aws rds restore-db-instance-to-point-in-time` into a NEW instance. */
  async restoreToTime(source: string, target: string, time: Date): Promise<RdsInstance> {
    const { sdk, client } = await this.rds();
    const r = await client.send(new sdk.RestoreDBInstanceToPointInTimeCommand({ SourceDBInstanceIdentifier: source, TargetDBInstanceIdentifier: target, RestoreTime: time }));
    return toInstance(r.DBInstance ?? { DBInstanceIdentifier: target });
  }

  /**
   * Polls until the instance is `available` (after a promotion it goes `modifying` → `available`); each
   * other status goes to `onProgress`. Throws after `timeoutMs`.
   */
  async waitAvailable(
    id: string,
    o: { timeoutMs: number; pollMs: number; done?: (i: RdsInstance) => boolean; onProgress?: (status: string, elapsedMs: number) => void | Promise<void> },
  ): Promise<RdsInstance> {
    const started = Date.now();
    for (;;) {
      const inst = await this.describe(id);
      if (!inst) throw new Error(`${id} no longer exists`);
      if (inst.status === 'available' && (o.done?.(inst) ?? true)) return inst;
      await o.onProgress?.(inst.status, Date.now() - started);
      if (Date.now() - started > o.timeoutMs) throw new Error(`${id} is still ${inst.status} after ${Math.round(o.timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  }

  destroy(): void {
    this.client?.destroy();
  }
}
