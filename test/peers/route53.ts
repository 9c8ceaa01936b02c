/**
 * A local stand-in for Amazon Route 53 (API 2013-04-01, REST-XML), for the operations the bot uses, as strict
 * as the service where the bot relies on it:
 * - ChangeResourceRecordSets is all or nothing: CREATE of an existing set, DELETE of a missing or different one,
 *   a TTL with an alias, no TTL without one, a CNAME beside other records… are InvalidChangeBatch with the
 *   service's messages; an unknown zone is NoSuchHostedZone (404);
 * - a change is PENDING, then INSYNC (GetChange); NoSuchChange for an unknown id;
 * - ListResourceRecordSets starts at StartRecordName/StartRecordType in Route 53's order and pages by MaxItems;
 * - Throttling / PriorRequestNotComplete and any other error on demand.
 */
import { randomBytes } from 'node:crypto';
import { AwsPeer, esc, list, readXml, type AwsAnswer, type AwsRequest } from './aws-peer.js';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

export interface PeerRecordSet {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  setIdentifier?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
}

interface PeerChange {
  id: string;
  submittedAt: number;
  insyncAt: number;
  comment?: string;
}

const fqdn = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();
/** Route 53 lists record sets by name with its labels reversed (com.example.www), then by type. */
const order = (r: { name: string; type: string }) => `${fqdn(r.name).split('.').reverse().join('.')} ${r.type}`;

export class Route53Peer extends AwsPeer {
  readonly zones = new Map<string, { name: string; records: PeerRecordSet[] }>();
  readonly changes = new Map<string, PeerChange>();
  /** How long a change stays PENDING. */
  propagateMs = 400;

  addZone(id: string, name: string, records: PeerRecordSet[] = []): void {
    this.zones.set(id, { name: fqdn(name), records: records.map((r) => ({ ...r, name: fqdn(r.name) })) });
  }

  get(zone: string, name: string, type: string): PeerRecordSet | undefined {
    return this.zones.get(zone)?.records.find((r) => r.name === fqdn(name) && r.type === type && !r.setIdentifier);
  }

  /** One set of a routing policy, by its SetIdentifier. */
  getSet(zone: string, name: string, type: string, setIdentifier: string): PeerRecordSet | undefined {
    return this.zones.get(zone)?.records.find((r) => r.name === fqdn(name) && r.type === type && r.setIdentifier === setIdentifier);
  }

  protected opOf(r: AwsRequest): string | undefined {
    if (/^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/.test(r.path)) return r.method === 'POST' ? 'ChangeResourceRecordSets' : r.method === 'GET' ? 'ListResourceRecordSets' : undefined;
    if (/^\/2013-04-01\/change\/[^/]+$/.test(r.path)) return r.method === 'GET' ? 'GetChange' : undefined;
    if (/^\/2013-04-01\/hostedzone\/[^/]+$/.test(r.path)) return r.method === 'GET' ? 'GetHostedZone' : undefined;
    return undefined;
  }

  protected error(status: number, code: string, message: string): AwsAnswer {
    return { status, body: `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>${randomBytes(8).toString('hex')}</RequestId></ErrorResponse>` };
  }

  private changeXml(c: PeerChange): string {
    return `<ChangeInfo><Id>/change/${c.id}</Id><Status>${Date.now() < c.insyncAt ? 'PENDING' : 'INSYNC'}</Status><SubmittedAt>${new Date(c.submittedAt).toISOString()}</SubmittedAt>${c.comment ? `<Comment>${esc(c.comment)}</Comment>` : ''}</ChangeInfo>`;
  }

  private setXml(r: PeerRecordSet): string {
    return (
      `<ResourceRecordSet><Name>${esc(r.name)}</Name><Type>${r.type}</Type>` +
      (r.setIdentifier ? `<SetIdentifier>${esc(r.setIdentifier)}</SetIdentifier>` : '') +
      (r.failover ? `<Failover>${r.failover}</Failover>` : '') +
      (r.healthCheckId ? `<HealthCheckId>${esc(r.healthCheckId)}</HealthCheckId>` : '') +
      (r.alias
        ? `<AliasTarget><HostedZoneId>${esc(r.alias.hostedZoneId)}</HostedZoneId><DNSName>${esc(r.alias.dnsName)}</DNSName><EvaluateTargetHealth>${r.alias.evaluateTargetHealth}</EvaluateTargetHealth></AliasTarget>`
        : `<TTL>${r.ttl}</TTL><ResourceRecords>${r.values.map((v) => `<ResourceRecord><Value>${esc(v)}</Value></ResourceRecord>`).join('')}</ResourceRecords>`) +
      '</ResourceRecordSet>'
    );
  }

  protected handle(op: string, r: AwsRequest): AwsAnswer {
    if (op === 'GetChange') {
      const c = this.changes.get(r.path.split('/')[3]!);
      if (!c) return this.error(404, 'NoSuchChange', `A change with the specified change ID does not exist.`);
      return { status: 200, body: `<?xml version="1.0"?><GetChangeResponse xmlns="${NS}">${this.changeXml(c)}</GetChangeResponse>` };
    }
    const zoneId = r.path.split('/')[3]!;
    const zone = this.zones.get(zoneId);
    if (!zone) return this.error(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${zoneId}`);
    if (op === 'GetHostedZone') {
      return { status: 200, body: `<?xml version="1.0"?><GetHostedZoneResponse xmlns="${NS}"><HostedZone><Id>/hostedzone/${zoneId}</Id><Name>${zone.name}</Name><CallerReference>zone</CallerReference><ResourceRecordSetCount>${zone.records.length}</ResourceRecordSetCount></HostedZone></GetHostedZoneResponse>` };
    }
    if (op === 'ListResourceRecordSets') {
      const max = Math.min(300, Number(r.query.get('maxitems') ?? '300'));
      const start = r.query.get('name');
      const type = r.query.get('type');
      if (type && !start) return this.error(400, 'InvalidInput', 'The input is not valid: type requires name.');
      const from = start ? order({ name: start, type: type ?? '' }) : '';
      const sorted = [...zone.records].sort((a, b) => order(a).localeCompare(order(b))).filter((x) => order(x) >= from);
      const page = sorted.slice(0, max);
      const next = sorted[max];
      return {
        status: 200,
        body:
          `<?xml version="1.0"?><ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets>${page.map((x) => this.setXml(x)).join('')}</ResourceRecordSets>` +
          `<IsTruncated>${Boolean(next)}</IsTruncated>${next ? `<NextRecordName>${esc(next.name)}</NextRecordName><NextRecordType>${next.type}</NextRecordType>` : ''}<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`,
      };
    }
    return this.change(zone, r);
  }

  private change(zone: { name: string; records: PeerRecordSet[] }, r: AwsRequest): AwsAnswer {
    const req = readXml(r.raw)?.ChangeResourceRecordSetsRequest;
    if (!req || req.xmlns !== NS) return this.error(400, 'InvalidInput', 'Expected a ChangeResourceRecordSetsRequest in the Route 53 namespace.');
    const changes = list<any>(req.ChangeBatch?.Changes?.Change);
    if (!changes.length) return this.error(400, 'InvalidInput', 'Invalid XML ; cvc-complex-type.2.4.b: The content of element \'Changes\' is not complete.');
    const records = zone.records.map((x) => ({ ...x }));
    const problems: string[] = [];
    for (const c of changes) {
      const s = c.ResourceRecordSet ?? {};
      const set: PeerRecordSet = {
        name: fqdn(String(s.Name ?? '')),
        type: String(s.Type ?? ''),
        ttl: s.TTL === undefined ? undefined : Number(s.TTL),
        values: list<any>(s.ResourceRecords?.ResourceRecord).map((v) => String(v.Value)),
        // Route 53 keeps an alias target's name fully qualified, in lower case.
        alias: s.AliasTarget ? { hostedZoneId: s.AliasTarget.HostedZoneId, dnsName: fqdn(String(s.AliasTarget.DNSName)), evaluateTargetHealth: s.AliasTarget.EvaluateTargetHealth === 'true' } : undefined,
        setIdentifier: s.SetIdentifier,
        failover: s.Failover,
        healthCheckId: s.HealthCheckId,
      };
      if (set.alias === undefined) delete set.alias;
      for (const k of ['setIdentifier', 'failover', 'healthCheckId'] as const) if (set[k] === undefined) delete set[k];
      const label = `[name='${set.name}', type='${set.type}'${set.setIdentifier ? `, set-identifier='${set.setIdentifier}'` : ''}]`;
      if (!set.name.endsWith(zone.name)) {
        problems.push(`RRSet with DNS name ${set.name} is not permitted in zone ${zone.name}`);
        continue;
      }
      if (set.alias && set.ttl !== undefined) problems.push(`Invalid Resource Record: FATAL problem: UnexpectedTTL (Value is not expected for ALIAS) encountered with '${set.name}'`);
      if (!set.alias && set.ttl === undefined) problems.push(`Invalid Resource Record: FATAL problem: MissingTTL (Value is required) encountered with '${set.name}'`);
      if (!set.alias && set.values.length === 0) problems.push(`Invalid Resource Record: FATAL problem: MissingValue (Value is required) encountered with '${set.name}'`);
      if (set.type === 'A' && set.values.some((v) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(v))) problems.push(`Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${set.values.join(',')}'`);
      // A routing set names its policy (here: failover); a name and type is either one simple set or routing sets.
      if (Boolean(set.setIdentifier) !== Boolean(set.failover)) {
        problems.push(`Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer] with SetIdentifier, in Change with [Action=${c.Action}, Name=${set.name}, Type=${set.type}, SetIdentifier=${set.setIdentifier ?? 'null'}]`);
        continue;
      }
      if (set.failover && !['PRIMARY', 'SECONDARY'].includes(set.failover)) problems.push(`Invalid failover value ${set.failover}`);
      if (c.Action !== 'DELETE' && records.some((x) => x.name === set.name && x.type === set.type && Boolean(x.setIdentifier) !== Boolean(set.setIdentifier))) {
        problems.push(`RRSet with DNS name ${set.name}, type ${set.type}${set.setIdentifier ? `, SetIdentifier ${set.setIdentifier}` : ''} cannot be created as ${set.setIdentifier ? 'a non-failover' : 'failover'} RRSets exist with the same name and type.`);
      }
      if (set.failover && records.some((x) => x.name === set.name && x.type === set.type && x.failover === set.failover && x.setIdentifier !== set.setIdentifier)) {
        problems.push(`Tried to create a ${set.failover} failover record set ${label} but one already exists with another SetIdentifier`);
      }
      const at = records.findIndex((x) => x.name === set.name && x.type === set.type && x.setIdentifier === set.setIdentifier);
      if (c.Action === 'CREATE' && at >= 0) problems.push(`Tried to create resource record set ${label} but it already exists`);
      else if (c.Action === 'DELETE' && (at < 0 || JSON.stringify(records[at]) !== JSON.stringify(set))) problems.push(`Tried to delete resource record set ${label} but ${at < 0 ? 'it was not found' : 'the values provided do not match the current values'}`);
      else if (!['CREATE', 'DELETE', 'UPSERT'].includes(c.Action)) problems.push(`Invalid action ${c.Action}`);
      if (set.type !== 'CNAME' && c.Action !== 'DELETE' && records.some((x) => x.name === set.name && x.type === 'CNAME')) problems.push(`RRSet of type ${set.type} with DNS name ${set.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}.`);
      if (problems.length) continue;
      if (c.Action === 'DELETE') records.splice(at, 1);
      else if (at >= 0) records[at] = set;
      else records.push(set);
    }
    if (problems.length) return this.error(400, 'InvalidChangeBatch', `[${problems.join(', ')}]`);
    zone.records = records;
    const change: PeerChange = { id: `C${randomBytes(7).toString('hex').toUpperCase()}`, submittedAt: Date.now(), insyncAt: Date.now() + this.propagateMs, comment: req.ChangeBatch?.Comment };
    this.changes.set(change.id, change);
    return { status: 200, body: `<?xml version="1.0"?><ChangeResourceRecordSetsResponse xmlns="${NS}">${this.changeXml(change)}</ChangeResourceRecordSetsResponse>` };
  }
}
