/**
 * A local stand-in for Amazon RDS speaking the AWS query protocol: form-encoded `Action=…&Version=2014-10-31`
 * POSTs (SigV4-signed by the SDK), XML answers in the RDS namespace. As strict as RDS where the bot relies on it:
 * - statuses move through the documented sequences by themselves: a promotion is modifying → rebooting →
 *   backing-up → available (then standalone); a restore or new replica creating → backing-up → available;
 *   ModifyDBInstance modifying → available; a sequence may end in a failure state instead (`endsIn`);
 * - PromoteReadReplica is refused (InvalidDBInstanceState) unless the replica is `available` (so during
 *   `backing-up`); its BackupRetentionPeriod defaults to 1 day, as the API model says;
 * - a restore given no placement lands where RDS puts it: the default VPC's `default` subnet group and
 *   security group, the engine's default parameter group, Single-AZ, publicly accessible (the default VPC
 *   has an internet gateway), no deletion protection, no IAM auth; storage and KMS key follow the source;
 * - PITR: PointInTimeRestoreNotEnabled with no automated backups, InvalidParameterValue outside the window;
 * - throttling (`failNext(action, 'Throttling', …, 400, n)`) and any other error on demand.
 */
import http from 'node:http';
import { closeServer, listenLocal, readBody } from './local-http.js';
import { esc, instanceXml, makeInstance, schedule, tick, type NewInstance, type PeerInstance } from './rds-model.js';

export type { PeerInstance } from './rds-model.js';

const NS = 'http://rds.amazonaws.com/doc/2014-10-31/';

export interface PeerSnapshot {
  id: string;
  instance: string;
  status: string;
  type: 'automated' | 'manual';
  createdAt: number;
  encrypted?: boolean;
  kmsKeyId?: string;
}

/** Automated backups RDS keeps after an instance is deleted (status `retained`), restorable by resource id. */
export interface PeerRetainedBackup {
  resourceId: string;
  instance: string;
  earliest: number;
  latest: number;
  retentionDays: number;
}

export interface RdsCall {
  action: string;
  params: Record<string, string>;
  contentType: string;
  signed: boolean;
  at: number;
}

type Answer = { status: number; body: string };

/** A query-protocol list: `VpcSecurityGroupIds.VpcSecurityGroupId.1=…` → values in order. */
const list = (p: Record<string, string>, prefix: string) =>
  Object.keys(p)
    .filter((k) => k.startsWith(`${prefix}.`))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map((k) => p[k]!);
const bool = (v: string | undefined) => (v === undefined ? undefined : v === 'true');

export class RdsPeer {
  readonly instances = new Map<string, PeerInstance>();
  readonly calls: RdsCall[] = [];
  readonly snapshots = new Map<string, PeerSnapshot>();
  readonly retained = new Map<string, PeerRetainedBackup>();
  /** How long each sequence takes in all (split over its statuses). */
  promoteMs = 300;
  createMs = 300;
  deleteMs = 300;
  /** Instances being deleted, and when they are gone. */
  readonly deleting = new Map<string, number>();
  modifyMs = 300;
  private faults: Array<{ action: string; status: number; code: string; message: string }> = [];
  private hooks: Array<{ action: string; fn: () => void }> = [];
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(i: NewInstance): PeerInstance {
    const made = makeInstance(i);
    this.instances.set(i.id, made);
    return made;
  }

  addSnapshot(s: Omit<PeerSnapshot, 'status' | 'type'> & Partial<PeerSnapshot>): void {
    this.snapshots.set(s.id, { status: 'available', type: 'automated', encrypted: true, kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:key/prod-db', ...s });
  }

  /** The next `times` calls of this action fail with this AWS error (Throttling, AccessDenied…). */
  failNext(action: string, code: string, message: string, status = 400, times = 1): void {
    for (let n = 0; n < times; n++) this.faults.push({ action, status, code, message });
  }

  /**
   * Runs `fn` just before the next call of this action is answered: a change that happens while the bot is
   * already running a confirmed plan (after its Confirm-time re-check), which no describe before could see.
   */
  beforeNext(action: string, fn: () => void): void {
    this.hooks.push({ action, fn });
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  private xml(i: PeerInstance): string {
    return instanceXml(i, [...this.instances.values()].filter((x) => x.replicaOf === i.id).map((x) => x.id));
  }

  private snapshotXml(s: PeerSnapshot): string {
    return `<DBSnapshot><DBSnapshotIdentifier>${esc(s.id)}</DBSnapshotIdentifier><DBInstanceIdentifier>${esc(s.instance)}</DBInstanceIdentifier>` +
      `<SnapshotCreateTime>${new Date(s.createdAt).toISOString()}</SnapshotCreateTime><Engine>postgres</Engine><Status>${esc(s.status)}</Status><SnapshotType>${s.type}</SnapshotType>` +
      `<StorageType>gp3</StorageType><Encrypted>${s.encrypted === true}</Encrypted>${s.kmsKeyId ? `<KmsKeyId>${esc(s.kmsKeyId)}</KmsKeyId>` : ''}</DBSnapshot>`;
  }

  /** A restore makes a NEW instance in the placement asked for, else RDS' defaults; storage and encryption follow the source. */
  private restore(action: string, p: Record<string, string>, target: string | undefined, from: string, like: Partial<PeerInstance>): Answer {
    if (!target) return this.error(400, 'MissingParameter', `The request must contain the parameter ${action === 'RestoreDBInstanceToPointInTime' ? 'TargetDBInstanceIdentifier' : 'DBInstanceIdentifier'}`);
    if (this.instances.has(target)) return this.error(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
    const sgs = list(p, 'VpcSecurityGroupIds.VpcSecurityGroupId');
    const subnet = p.DBSubnetGroupName;
    const created = makeInstance({
      id: target,
      status: 'creating',
      restoredFrom: from,
      instanceClass: p.DBInstanceClass ?? like.instanceClass,
      storageType: p.StorageType ?? like.storageType,
      allocatedStorage: p.AllocatedStorage ? Number(p.AllocatedStorage) : like.allocatedStorage,
      encrypted: like.encrypted,
      kmsKeyId: like.kmsKeyId,
      subnetGroup: subnet ?? 'default',
      vpcId: subnet ? 'vpc-0prod' : 'vpc-default',
      securityGroups: sgs.length ? sgs : ['sg-default'],
      parameterGroup: p.DBParameterGroupName ?? 'default.postgres16',
      multiAZ: bool(p.MultiAZ) ?? false,
      // The default VPC has an internet gateway: RDS makes the instance public unless told otherwise.
      publiclyAccessible: bool(p.PubliclyAccessible) ?? !subnet,
      deletionProtection: bool(p.DeletionProtection) ?? false,
      iamAuth: bool(p.EnableIAMDatabaseAuthentication) ?? false,
    });
    this.instances.set(target, created);
    schedule(created, [['creating', this.createMs * 0.6], ['backing-up', this.createMs * 0.4]]);
    return this.ok(action, this.xml(created));
  }

  private ok(action: string, inner: string): Answer {
    return {
      status: 200,
      body: `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>req-${Date.now()}</RequestId></ResponseMetadata></${action}Response>`,
    };
  }

  private error(status: number, code: string, message: string): Answer {
    return { status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>` };
  }

  private handle(p: Record<string, string>, contentType: string): Answer {
    if (!contentType.startsWith('application/x-www-form-urlencoded')) return this.error(400, 'MalformedQueryString', `expected a form-encoded body, got ${contentType}`);
    if (p.Version !== '2014-10-31') return this.error(400, 'InvalidAction', `unsupported Version ${p.Version}`);
    const hook = this.hooks.findIndex((x) => x.action === p.Action);
    if (hook >= 0) this.hooks.splice(hook, 1)[0]!.fn();
    const f = this.faults.findIndex((x) => x.action === p.Action);
    if (f >= 0) {
      const fault = this.faults.splice(f, 1)[0]!;
      return this.error(fault.status, fault.code, fault.message);
    }
    // A deletion takes `deleteMs` in `deleting`, then the instance is gone (DBInstanceNotFound).
    for (const [gone, until] of this.deleting) if (Date.now() >= until) (this.instances.delete(gone), this.deleting.delete(gone));
    const id = p.DBInstanceIdentifier;
    const found = id ? this.instances.get(id) : undefined;
    if (found) tick(found);
    const notFound = (x = id) => this.error(404, 'DBInstanceNotFound', `DBInstance ${x} not found.`);
    switch (p.Action) {
      case 'DescribeDBInstances': {
        if (id && !found) return notFound();
        const all = found ? [found] : [...this.instances.values()].map((i) => tick(i));
        return this.ok('DescribeDBInstances', `<DBInstances>${all.map((i) => this.xml(i)).join('')}</DBInstances>`);
      }
      case 'PromoteReadReplica': {
        if (!found) return notFound();
        if (!found.replicaOf && !found.replicaOfCluster) return this.error(400, 'InvalidDBInstanceState', 'DB Instance is not a read replica.');
        if (found.status !== 'available') return this.error(400, 'InvalidDBInstanceState', `DB instance ${found.id} is not in available state (${found.status}).`);
        const retention = p.BackupRetentionPeriod ? Number(p.BackupRetentionPeriod) : 1;
        const ms = this.promoteMs;
        schedule(found, [['modifying', ms * 0.4], ['rebooting', ms * 0.3], ['backing-up', ms * 0.3]], (i) => {
          i.replicaOf = undefined;
          i.replicaOfCluster = undefined;
          i.statusInfos = [];
          i.backupRetentionDays = retention;
          i.latestRestorableTime = Date.now();
        });
        return this.ok('PromoteReadReplica', this.xml(found));
      }
      case 'ModifyDBInstance': {
        if (!found) return notFound();
        if (found.status !== 'available') return this.error(400, 'InvalidDBInstanceState', `DB instance ${found.id} is not in available state (${found.status}).`);
        const multiAZ = bool(p.MultiAZ);
        schedule(found, [['modifying', this.modifyMs]], (i) => {
          if (multiAZ !== undefined) i.multiAZ = multiAZ;
        });
        return this.ok('ModifyDBInstance', this.xml(found));
      }
      case 'CreateDBInstanceReadReplica': {
        const source = this.instances.get(p.SourceDBInstanceIdentifier ?? '');
        if (!source) return notFound(p.SourceDBInstanceIdentifier);
        if (found) return this.error(400, 'DBInstanceAlreadyExists', `DB instance ${id} already exists.`);
        if (!source.backupRetentionDays) return this.error(400, 'InvalidDBInstanceState', `Automated backups are not enabled for ${source.id}.`);
        const created = makeInstance({ ...source, endsIn: undefined, settle: undefined, inSequence: false, id: id!, status: 'creating', address: `${id}.abc123.eu-central-1.rds.amazonaws.com`, replicaOf: source.id, backupRetentionDays: 0, phases: [], statusInfos: [] });
        this.instances.set(id!, created);
        schedule(created, [['creating', this.createMs * 0.6], ['backing-up', this.createMs * 0.4]]);
        return this.ok('CreateDBInstanceReadReplica', this.xml(created));
      }
      case 'DeleteDBInstance': {
        if (!found || this.deleting.has(found.id)) return notFound();
        if (found.deletionProtection) return this.error(400, 'InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
        if (p.SkipFinalSnapshot !== 'true' && !p.FinalDBSnapshotIdentifier) return this.error(400, 'InvalidParameterCombination', 'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.');
        schedule(found, [['deleting', this.deleteMs + 60_000]]);
        this.deleting.set(found.id, Date.now() + this.deleteMs);
        return this.ok('DeleteDBInstance', this.xml(found));
      }
      case 'DescribeDBSnapshots': {
        const sid = p.DBSnapshotIdentifier;
        if (sid && !this.snapshots.has(sid)) return this.error(404, 'DBSnapshotNotFound', `DBSnapshot ${sid} not found.`);
        const found = [...this.snapshots.values()].filter((s) => (!sid || s.id === sid) && (!id || s.instance === id) && (sid || !p.SnapshotType || s.type === p.SnapshotType));
        return this.ok('DescribeDBSnapshots', `<DBSnapshots>${found.map((s) => this.snapshotXml(s)).join('')}</DBSnapshots>`);
      }
      case 'RestoreDBInstanceFromDBSnapshot': {
        const snap = this.snapshots.get(p.DBSnapshotIdentifier ?? '');
        if (!snap) return this.error(404, 'DBSnapshotNotFound', `DBSnapshot ${p.DBSnapshotIdentifier} not found.`);
        if (snap.status !== 'available') return this.error(400, 'InvalidDBSnapshotState', `Snapshot ${snap.id} is ${snap.status}.`);
        const source = this.instances.get(snap.instance);
        return this.restore('RestoreDBInstanceFromDBSnapshot', p, id, snap.id, { ...source, encrypted: snap.encrypted, kmsKeyId: snap.kmsKeyId });
      }
      case 'DescribeDBInstanceAutomatedBackups': {
        const live = [...this.instances.values()].filter((i) => (!id || i.id === id) && i.backupRetentionDays > 0);
        const kept = [...this.retained.values()].filter((b) => !id || b.instance === id);
        if (id && !live.length && !kept.length) return this.error(404, 'DBInstanceAutomatedBackupNotFound', `No automated backups found for ${id}.`);
        const window = (a: number, b: number) => `<RestoreWindow><EarliestTime>${new Date(a).toISOString()}</EarliestTime><LatestTime>${new Date(b).toISOString()}</LatestTime></RestoreWindow>`;
        const xml = [
          ...live.map((i) => `<DBInstanceAutomatedBackup><DBInstanceIdentifier>${esc(i.id)}</DBInstanceIdentifier><DbiResourceId>db-${esc(i.id.toUpperCase())}</DbiResourceId><Status>active</Status>${window(Date.now() - i.backupRetentionDays * 86_400_000, i.latestRestorableTime ?? Date.now())}<BackupRetentionPeriod>${i.backupRetentionDays}</BackupRetentionPeriod><Encrypted>${i.encrypted}</Encrypted></DBInstanceAutomatedBackup>`),
          ...kept.map((b) => `<DBInstanceAutomatedBackup><DBInstanceIdentifier>${esc(b.instance)}</DBInstanceIdentifier><DbiResourceId>${esc(b.resourceId)}</DbiResourceId><Status>retained</Status>${window(b.earliest, b.latest)}<BackupRetentionPeriod>${b.retentionDays}</BackupRetentionPeriod><Encrypted>true</Encrypted><KmsKeyId>arn:aws:kms:eu-central-1:111122223333:key/prod-db</KmsKeyId><StorageType>gp3</StorageType></DBInstanceAutomatedBackup>`),
        ];
        return this.ok('DescribeDBInstanceAutomatedBackups', `<DBInstanceAutomatedBackups>${xml.join('')}</DBInstanceAutomatedBackups>`);
      }
      case 'RestoreDBInstanceToPointInTime': {
        if (p.SourceDbiResourceId) {
          const b = [...this.retained.values()].find((x) => x.resourceId === p.SourceDbiResourceId);
          if (!b) return this.error(404, 'DBInstanceAutomatedBackupNotFound', `No automated backup with resource id ${p.SourceDbiResourceId}.`);
          const at = Date.parse(p.RestoreTime ?? '');
          if (Number.isNaN(at) || at < b.earliest || at > b.latest) return this.error(400, 'InvalidParameterValue', `The restore time ${p.RestoreTime} is outside the restorable window of ${b.resourceId}.`);
          return this.restore('RestoreDBInstanceToPointInTime', p, p.TargetDBInstanceIdentifier, `${b.resourceId}@${new Date(at).toISOString()}`, { encrypted: true, storageType: 'gp3', instanceClass: 'db.r6g.large', allocatedStorage: 200 });
        }
        const source = this.instances.get(p.SourceDBInstanceIdentifier ?? '');
        if (!source) return notFound(p.SourceDBInstanceIdentifier);
        tick(source);
        const latest = source.latestRestorableTime;
        // API model: PointInTimeRestoreNotEnabledFault, "SourceDBInstanceIdentifier refers to a DB instance with BackupRetentionPeriod equal to 0".
        if (latest === undefined || !source.backupRetentionDays) return this.error(400, 'PointInTimeRestoreNotEnabled', `Point-in-time restore is not enabled for ${source.id}: its backup retention period is 0.`);
        const at = p.UseLatestRestorableTime === 'true' ? latest : Date.parse(p.RestoreTime ?? '');
        if (Number.isNaN(at)) return this.error(400, 'InvalidParameterValue', `Invalid RestoreTime ${p.RestoreTime}`);
        const earliest = Date.now() - source.backupRetentionDays * 86_400_000;
        // A time outside the window is a parameter error (InvalidParameterValue), not InvalidRestoreFault.
        if (at > latest) return this.error(400, 'InvalidParameterValue', `The restore time ${new Date(at).toISOString()} must be before the latest restorable time ${new Date(latest).toISOString()}.`);
        if (at < earliest) return this.error(400, 'InvalidParameterValue', `The restore time ${new Date(at).toISOString()} is before the earliest restorable time ${new Date(earliest).toISOString()}.`);
        return this.restore('RestoreDBInstanceToPointInTime', p, p.TargetDBInstanceIdentifier, `${source.id}@${new Date(at).toISOString()}`, source);
      }
      default:
        return this.error(400, 'InvalidAction', `The action ${p.Action} is not valid for this web service.`);
    }
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      readBody(req, (raw) => {
        const params = Object.fromEntries(new URLSearchParams(raw));
        const contentType = String(req.headers['content-type'] ?? '');
        const signed = String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=');
        this.calls.push({ action: params.Action ?? '', params, contentType, signed, at: Date.now() });
        const r = req.method !== 'POST' ? this.error(405, 'InvalidAction', 'POST only') : this.handle(params, contentType);
        res.writeHead(r.status, { 'content-type': 'text/xml' });
        res.end(r.body);
      });
    });
    this.port = await listenLocal(this.server);
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await closeServer(s);
  }
}
