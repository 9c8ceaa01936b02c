/**
 * The simulated estate's Amazon RDS account, in-process, speaking the AWS query protocol the SDK uses
 * (form-encoded `Action=…&Version=2014-10-31` POSTs, XML answers in the RDS namespace, AWS error
 * documents). Instances move on by themselves as RDS' do: a promoted replica is `modifying`, then
 * `available` and standalone; a new replica or a restore is `creating`, then `available`. A primary can be
 * failed (`failed`, the drill's "primary down"). The tests' strict peer is test/peers/rds.ts.
 */
import http from 'node:http';
import { closeServer, listenLocal, readBody } from './local-http.js';

const NS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface SimInstance {
  id: string;
  status: string;
  replicaOf?: string;
  /** When the status in progress ends, and what the instance is then. */
  readyAt?: number;
  promoting?: boolean;
  restoredFrom?: string;
}

export interface SimSnapshot {
  id: string;
  instance: string;
  createdAt: number;
}

type Answer = { status: number; body: string };

export class RdsApi {
  readonly instances = new Map<string, SimInstance>();
  readonly snapshots = new Map<string, SimSnapshot>();
  /** How long a promotion or a creation takes; a few seconds, so a drill sees the card's progress. */
  changeMs = 4_000;
  private server?: http.Server;
  private port = 0;

  constructor(private readonly domain = 'sim.eu-central-1.rds.local') {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  add(i: SimInstance): void {
    this.instances.set(i.id, i);
  }

  addressOf(id: string): string {
    return `${id}.${this.domain}`;
  }

  /** The current view of an instance, after whatever finished meanwhile. */
  get(id: string): SimInstance | undefined {
    const i = this.instances.get(id);
    if (i?.readyAt !== undefined && Date.now() >= i.readyAt) {
      Object.assign(i, { status: 'available', readyAt: undefined });
      if (i.promoting) Object.assign(i, { replicaOf: undefined, promoting: false });
    }
    return i;
  }

  private xml(i: SimInstance): string {
    const replicas = [...this.instances.values()].filter((x) => x.replicaOf === i.id).map((x) => `<ReadReplicaDBInstanceIdentifier>${esc(x.id)}</ReadReplicaDBInstanceIdentifier>`);
    return (
      `<DBInstance><DBInstanceIdentifier>${esc(i.id)}</DBInstanceIdentifier><DBInstanceStatus>${esc(i.status)}</DBInstanceStatus><Engine>postgres</Engine>` +
      `<Endpoint><Address>${esc(this.addressOf(i.id))}</Address><Port>5432</Port></Endpoint>` +
      (i.replicaOf ? `<ReadReplicaSourceDBInstanceIdentifier>${esc(i.replicaOf)}</ReadReplicaSourceDBInstanceIdentifier>` : '') +
      (i.replicaOf ? '' : `<LatestRestorableTime>${new Date(Date.now() - 300_000).toISOString()}</LatestRestorableTime><BackupRetentionPeriod>7</BackupRetentionPeriod>`) +
      `<ReadReplicaDBInstanceIdentifiers>${replicas.join('')}</ReadReplicaDBInstanceIdentifiers></DBInstance>`
    );
  }

  private ok(action: string, inner: string): Answer {
    return { status: 200, body: `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>sim-${Date.now()}</RequestId></ResponseMetadata></${action}Response>` };
  }

  private error(status: number, code: string, message: string): Answer {
    return { status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>sim-err</RequestId></ErrorResponse>` };
  }

  private creating(id: string, o: Partial<SimInstance>): SimInstance {
    const i: SimInstance = { id, status: 'creating', readyAt: Date.now() + this.changeMs, ...o };
    this.instances.set(id, i);
    return i;
  }

  private handle(p: Record<string, string>): Answer {
    if (p.Version !== '2014-10-31') return this.error(400, 'InvalidAction', `unsupported Version ${p.Version}`);
    const id = p.DBInstanceIdentifier;
    const found = id ? this.get(id) : undefined;
    const notFound = (x: string | undefined) => this.error(404, 'DBInstanceNotFound', `DBInstance ${x} not found.`);
    switch (p.Action) {
      case 'DescribeDBInstances': {
        if (id && !found) return notFound(id);
        const list = found ? [found] : [...this.instances.keys()].map((k) => this.get(k)!);
        return this.ok(p.Action, `<DBInstances>${list.map((i) => this.xml(i)).join('')}</DBInstances>`);
      }
      case 'PromoteReadReplica': {
        if (!found) return notFound(id);
        if (!found.replicaOf) return this.error(400, 'InvalidDBInstanceState', 'DB Instance is not a read replica.');
        if (found.status !== 'available') return this.error(400, 'InvalidDBInstanceState', `DB instance is ${found.status}.`);
        Object.assign(found, { status: 'modifying', readyAt: Date.now() + this.changeMs, promoting: true });
        return this.ok(p.Action, this.xml(found));
      }
      case 'CreateDBInstanceReadReplica': {
        const source = this.get(p.SourceDBInstanceIdentifier ?? '');
        if (!source) return notFound(p.SourceDBInstanceIdentifier);
        if (found) return this.error(400, 'DBInstanceAlreadyExists', `DB instance ${id} already exists.`);
        if (source.status !== 'available') return this.error(400, 'InvalidDBInstanceState', `Source DB instance is ${source.status}.`);
        return this.ok(p.Action, this.xml(this.creating(id!, { replicaOf: source.id })));
      }
      case 'DescribeDBSnapshots': {
        const sid = p.DBSnapshotIdentifier;
        if (sid && !this.snapshots.has(sid)) return this.error(404, 'DBSnapshotNotFound', `DBSnapshot ${sid} not found.`);
        const list = [...this.snapshots.values()].filter((s) => (!sid || s.id === sid) && (!id || s.instance === id));
        const xml = list.map(
          (s) =>
            `<DBSnapshot><DBSnapshotIdentifier>${esc(s.id)}</DBSnapshotIdentifier><DBInstanceIdentifier>${esc(s.instance)}</DBInstanceIdentifier>` +
            `<SnapshotCreateTime>${new Date(s.createdAt).toISOString()}</SnapshotCreateTime><Engine>postgres</Engine><Status>available</Status><SnapshotType>automated</SnapshotType></DBSnapshot>`,
        );
        return this.ok(p.Action, `<DBSnapshots>${xml.join('')}</DBSnapshots>`);
      }
      case 'RestoreDBInstanceFromDBSnapshot': {
        if (!this.snapshots.has(p.DBSnapshotIdentifier ?? '')) return this.error(404, 'DBSnapshotNotFound', `DBSnapshot ${p.DBSnapshotIdentifier} not found.`);
        if (!id) return this.error(400, 'MissingParameter', 'The request must contain the parameter DBInstanceIdentifier');
        if (found) return this.error(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
        return this.ok(p.Action, this.xml(this.creating(id, { restoredFrom: p.DBSnapshotIdentifier })));
      }
      case 'RestoreDBInstanceToPointInTime': {
        const source = this.get(p.SourceDBInstanceIdentifier ?? '');
        const target = p.TargetDBInstanceIdentifier;
        if (!source) return notFound(p.SourceDBInstanceIdentifier);
        if (!target) return this.error(400, 'MissingParameter', 'The request must contain the parameter TargetDBInstanceIdentifier');
        if (this.instances.has(target)) return this.error(400, 'DBInstanceAlreadyExists', 'DB instance already exists');
        const at = p.UseLatestRestorableTime === 'true' ? Date.now() - 300_000 : Date.parse(p.RestoreTime ?? '');
        if (Number.isNaN(at) || at > Date.now() - 300_000 || at < Date.now() - 7 * 86_400_000) return this.error(400, 'InvalidRestoreFault', `Restore time ${p.RestoreTime} is not within the restorable window.`);
        return this.ok(p.Action, this.xml(this.creating(target, { restoredFrom: `${source.id}@${new Date(at).toISOString()}` })));
      }
      default:
        return this.error(400, 'InvalidAction', `The action ${p.Action} is not valid for this web service.`);
    }
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      readBody(req, (raw) => {
        const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        const r =
          req.method !== 'POST' ? this.error(405, 'InvalidAction', 'POST only') : !form ? this.error(400, 'MalformedQueryString', 'expected a form-encoded body') : this.handle(Object.fromEntries(new URLSearchParams(raw)));
        res.writeHead(r.status, { 'content-type': 'text/xml' }).end(r.body);
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
