/**
 * A local stand-in for Amazon RDS speaking the AWS query protocol: form-encoded `Action=…&Version=2014-10-31`
 * POSTs (SigV4-signed by the SDK), XML answers in the RDS namespace, and instances whose status moves on
 * by itself: a promoted replica is `modifying` for `promoteMs`, then `available` and standalone. Snapshots,
 * and restores (from a snapshot, to a point in time within the restorable window) into new instances.
 */
import http from 'node:http';
import { closeServer, listenLocal, readBody } from './local-http.js';

const NS = 'http://rds.amazonaws.com/doc/2014-10-31/';

export interface PeerInstance {
  id: string;
  status: string;
  address: string;
  port: number;
  replicaOf?: string;
  /** When the status in progress (modifying, creating) ends. */
  readyAt?: number;
  promoting?: boolean;
  /** The point-in-time restore window: [now − retention days, latestRestorableTime]. */
  latestRestorableTime?: number;
  backupRetentionDays?: number;
  /** What the instance was restored from (snapshot id or `source@time`). */
  restoredFrom?: string;
}

export interface PeerSnapshot {
  id: string;
  instance: string;
  status: string;
  type: 'automated' | 'manual';
  createdAt: number;
}

export interface RdsCall {
  action: string;
  params: Record<string, string>;
  contentType: string;
  signed: boolean;
  at: number;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class RdsPeer {
  readonly instances = new Map<string, PeerInstance>();
  readonly calls: RdsCall[] = [];
  readonly snapshots = new Map<string, PeerSnapshot>();
  promoteMs = 300;
  createMs = 300;
  /** The next call of this action fails with this AWS error. */
  private faults = new Map<string, { status: number; code: string; message: string }>();
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(i: Omit<PeerInstance, 'address' | 'port'> & { address?: string }): void {
    this.instances.set(i.id, { address: `${i.id}.abc123.eu-central-1.rds.amazonaws.com`, port: 5432, ...i });
  }

  addSnapshot(s: Omit<PeerSnapshot, 'status' | 'type'> & Partial<PeerSnapshot>): void {
    this.snapshots.set(s.id, { status: 'available', type: 'automated', ...s });
  }

  failNext(action: string, code: string, message: string, status = 400): void {
    this.faults.set(action, { status, code, message });
  }

  count(action: string): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  private tick(i: PeerInstance): PeerInstance {
    if (i.readyAt !== undefined && Date.now() >= i.readyAt) {
      i.status = 'available';
      i.readyAt = undefined;
      if (i.promoting) {
        i.replicaOf = undefined;
        i.promoting = false;
      }
    }
    return i;
  }

  private xml(i: PeerInstance): string {
    const replicas = [...this.instances.values()].filter((x) => x.replicaOf === i.id).map((x) => `<ReadReplicaDBInstanceIdentifier>${esc(x.id)}</ReadReplicaDBInstanceIdentifier>`);
    return `<DBInstance><DBInstanceIdentifier>${esc(i.id)}</DBInstanceIdentifier><DBInstanceStatus>${esc(i.status)}</DBInstanceStatus><Engine>postgres</Engine>` +
      `<Endpoint><Address>${esc(i.address)}</Address><Port>${i.port}</Port></Endpoint>` +
      (i.replicaOf ? `<ReadReplicaSourceDBInstanceIdentifier>${esc(i.replicaOf)}</ReadReplicaSourceDBInstanceIdentifier>` : '') +
      (i.latestRestorableTime !== undefined ? `<LatestRestorableTime>${new Date(i.latestRestorableTime).toISOString()}</LatestRestorableTime>` : '') +
      (i.backupRetentionDays !== undefined ? `<BackupRetentionPeriod>${i.backupRetentionDays}</BackupRetentionPeriod>` : '') +
      `<ReadReplicaDBInstanceIdentifiers>${replicas.join('')}</ReadReplicaDBInstanceIdentifiers></DBInstance>`;
  }

  private snapshotXml(s: PeerSnapshot): string {
    return `<DBSnapshot><DBSnapshotIdentifier>${esc(s.id)}</DBSnapshotIdentifier><DBInstanceIdentifier>${esc(s.instance)}</DBInstanceIdentifier>` +
      `<SnapshotCreateTime>${new Date(s.createdAt).toISOString()}</SnapshotCreateTime><Engine>postgres</Engine><Status>${esc(s.status)}</Status><SnapshotType>${s.type}</SnapshotType></DBSnapshot>`;
  }

  /** A restore makes a NEW instance, `creating` for `createMs`; RDS refuses an identifier already in use. */
  private restore(action: string, target: string | undefined, from: string): { status: number; body: string } {
    if (!target) return this.error(400, 'MissingParameter', `The request must contain the parameter ${action === 'RestoreDBInstanceToPointInTime' ? 'TargetDBInstanceIdentifier' : 'DBInstanceIdentifier'}`);
    if (this.instances.has(target)) return this.error(400, 'DBInstanceAlreadyExists', `DB instance already exists`);
    const created: PeerInstance = { id: target, status: 'creating', address: `${target}.abc123.eu-central-1.rds.amazonaws.com`, port: 5432, readyAt: Date.now() + this.createMs, restoredFrom: from };
    this.instances.set(target, created);
    return this.ok(action, this.xml(created));
  }

  private ok(action: string, inner: string): { status: number; body: string } {
    return {
      status: 200,
      body: `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>req-${Date.now()}</RequestId></ResponseMetadata></${action}Response>`,
    };
  }

  private error(status: number, code: string, message: string): { status: number; body: string } {
    return { status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>` };
  }

  private handle(p: Record<string, string>, contentType: string): { status: number; body: string } {
    if (!contentType.startsWith('application/x-www-form-urlencoded')) return this.error(400, 'MalformedQueryString', `expected a form-encoded body, got ${contentType}`);
    if (p.Version !== '2014-10-31') return this.error(400, 'InvalidAction', `unsupported Version ${p.Version}`);
    const fault = this.faults.get(p.Action ?? '');
    if (fault) {
      this.faults.delete(p.Action!);
      return this.error(fault.status, fault.code, fault.message);
    }
    const id = p.DBInstanceIdentifier;
    const found = id ? this.instances.get(id) : undefined;
    switch (p.Action) {
      case 'DescribeDBInstances': {
        if (id && !found) return this.error(404, 'DBInstanceNotFound', `DBInstance ${id} not found.`);
        const list = found ? [found] : [...this.instances.values()];
        return this.ok('DescribeDBInstances', `<DBInstances>${list.map((i) => this.xml(this.tick(i))).join('')}</DBInstances>`);
      }
      case 'PromoteReadReplica': {
        if (!found) return this.error(404, 'DBInstanceNotFound', `DBInstance ${id} not found.`);
        this.tick(found);
        if (!found.replicaOf) return this.error(400, 'InvalidDBInstanceState', 'DB Instance is not a read replica.');
        if (found.status !== 'available') return this.error(400, 'InvalidDBInstanceState', `DB instance is ${found.status}.`);
        Object.assign(found, { status: 'modifying', readyAt: Date.now() + this.promoteMs, promoting: true });
        return this.ok('PromoteReadReplica', this.xml(found));
      }
      case 'CreateDBInstanceReadReplica': {
        const source = this.instances.get(p.SourceDBInstanceIdentifier ?? '');
        if (!source) return this.error(404, 'DBInstanceNotFound', `DBInstance ${p.SourceDBInstanceIdentifier} not found.`);
        if (found) return this.error(400, 'DBInstanceAlreadyExists', `DB instance ${id} already exists.`);
        const created: PeerInstance = { id: id!, status: 'creating', address: `${id}.abc123.eu-central-1.rds.amazonaws.com`, port: 5432, replicaOf: source.id, readyAt: Date.now() + this.createMs };
        this.instances.set(id!, created);
        return this.ok('CreateDBInstanceReadReplica', this.xml(created));
      }
      case 'DescribeDBSnapshots': {
        const sid = p.DBSnapshotIdentifier;
        if (sid && !this.snapshots.has(sid)) return this.error(404, 'DBSnapshotNotFound', `DBSnapshot ${sid} not found.`);
        const list = [...this.snapshots.values()].filter((s) => (!sid || s.id === sid) && (!id || s.instance === id) && (sid || !p.SnapshotType || s.type === p.SnapshotType));
        return this.ok('DescribeDBSnapshots', `<DBSnapshots>${list.map((s) => this.snapshotXml(s)).join('')}</DBSnapshots>`);
      }
      case 'RestoreDBInstanceFromDBSnapshot': {
        const snap = this.snapshots.get(p.DBSnapshotIdentifier ?? '');
        if (!snap) return this.error(404, 'DBSnapshotNotFound', `DBSnapshot ${p.DBSnapshotIdentifier} not found.`);
        if (snap.status !== 'available') return this.error(400, 'InvalidDBSnapshotState', `Snapshot ${snap.id} is ${snap.status}.`);
        return this.restore('RestoreDBInstanceFromDBSnapshot', id, snap.id);
      }
      case 'RestoreDBInstanceToPointInTime': {
        const source = this.instances.get(p.SourceDBInstanceIdentifier ?? '');
        if (!source) return this.error(404, 'DBInstanceNotFound', `DBInstance ${p.SourceDBInstanceIdentifier} not found.`);
        const latest = source.latestRestorableTime;
        if (latest === undefined || !source.backupRetentionDays) return this.error(400, 'InvalidRestoreFault', `Automated backups are not enabled for ${source.id}.`);
        const at = p.UseLatestRestorableTime === 'true' ? latest : Date.parse(p.RestoreTime ?? '');
        if (Number.isNaN(at)) return this.error(400, 'InvalidParameterValue', `Invalid RestoreTime ${p.RestoreTime}`);
        const earliest = Date.now() - source.backupRetentionDays * 86_400_000;
        if (at > latest || at < earliest) return this.error(400, 'InvalidRestoreFault', `Restore time ${new Date(at).toISOString()} is not within the restorable window ${new Date(earliest).toISOString()} to ${new Date(latest).toISOString()}.`);
        return this.restore('RestoreDBInstanceToPointInTime', p.TargetDBInstanceIdentifier, `${source.id}@${new Date(at).toISOString()}`);
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
