/** Amazon Route 53: a record set read, UPSERTed, and waited for until INSYNC (`/dr failover-dns`). */
import type { ResourceRecordSet, Route53Client, RRType } from '@aws-sdk/client-route-53';
import { Resolver } from 'node:dns/promises';
import { awsCallError, clientOptions, WaitWatch, type AwsAccess, type AwsWaitOptions } from './aws-call.js';

type Sdk = typeof import('@aws-sdk/client-route-53');
let sdkLoading: Promise<Sdk> | undefined;
/** Loaded at the first Route 53 call, not at start-up (like the RDS adapter). */
const loadSdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-route-53'));

/** A simple-routing record set as the bot reads and writes it: values with a TTL, or an alias. */
export interface DnsRecordSet {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  /** A set of a routing policy (failover…): its identifier, and what Route 53 routes it by, kept on an UPSERT. */
  setIdentifier?: string;
  failover?: string;
  healthCheckId?: string;
}

/** Route 53 answers names fully qualified, in lower case: `api.boomcard.bg.` */
export const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase();

const toSet = (r: ResourceRecordSet): DnsRecordSet => ({
  name: (r.Name ?? '').replace(/\\052/g, '*'),
  type: r.Type ?? '',
  ttl: r.TTL,
  values: (r.ResourceRecords ?? []).map((x) => x.Value ?? ''),
  alias: r.AliasTarget ? { hostedZoneId: r.AliasTarget.HostedZoneId ?? '', dnsName: r.AliasTarget.DNSName ?? '', evaluateTargetHealth: r.AliasTarget.EvaluateTargetHealth === true } : undefined,
  ...(r.SetIdentifier ? { setIdentifier: r.SetIdentifier, failover: r.Failover, healthCheckId: r.HealthCheckId } : {}),
});

export class Route53Adapter {
  private client?: Route53Client;
  private readonly watch = new WaitWatch();
  constructor(private readonly a: AwsAccess) {}

  private async r53(): Promise<{ sdk: Sdk; client: Route53Client }> {
    const sdk = await loadSdk();
    if (!this.client) {
      this.client = this.watch.attach(new sdk.Route53Client(clientOptions(this.a)));
    }
    return { sdk, client: this.client };
  }

  private async call<T>(fn: (r: { sdk: Sdk; client: Route53Client }) => Promise<T>): Promise<T> {
    const r = await this.r53();
    try {
      return await fn(r);
    } catch (err) {
      throw awsCallError('Route 53', err);
    }
  }

  /** The record set of this name and type: the simple one, or the one with this SetIdentifier (failover…). */
  async record(zoneId: string, name: string, type: string, timeoutMs = 10_000, setIdentifier?: string): Promise<DnsRecordSet | undefined> {
    // Sets of one name and type are listed together, and a name has few: one page of 100 holds them.
    const r = await this.call(({ sdk, client }) =>
      client.send(new sdk.ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: fqdn(name), StartRecordType: type as RRType, MaxItems: 100 }), { abortSignal: AbortSignal.timeout(timeoutMs) }),
    );
    const found = (r.ResourceRecordSets ?? []).find((x) => fqdn(x.Name ?? '') === fqdn(name) && x.Type === type && (x.SetIdentifier ?? undefined) === setIdentifier);
    return found ? toSet(found) : undefined;
  }

  /** ChangeResourceRecordSets with one UPSERT; answers the change's id and status (PENDING). */
  async upsert(zoneId: string, set: DnsRecordSet, comment: string): Promise<{ id: string; status: string }> {
    const rrs: ResourceRecordSet = {
      Name: fqdn(set.name),
      Type: set.type as RRType,
      ...(set.setIdentifier ? { SetIdentifier: set.setIdentifier, ...(set.failover ? { Failover: set.failover as ResourceRecordSet['Failover'] } : {}), ...(set.healthCheckId ? { HealthCheckId: set.healthCheckId } : {}) } : {}),
      ...(set.alias
        ? { AliasTarget: { HostedZoneId: set.alias.hostedZoneId, DNSName: set.alias.dnsName, EvaluateTargetHealth: set.alias.evaluateTargetHealth } }
        : { TTL: set.ttl, ResourceRecords: set.values.map((Value) => ({ Value })) }),
    };
    const r = await this.call(({ sdk, client }) => client.send(new sdk.ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: comment, Changes: [{ Action: 'UPSERT', ResourceRecordSet: rrs }] } })));
    return { id: (r.ChangeInfo?.Id ?? '').replace(/^\/change\//, ''), status: r.ChangeInfo?.Status ?? 'unknown' };
  }

  /** The SDK's ResourceRecordSetsChanged waiter (PENDING → INSYNC), with progress. */
  async waitInsync(changeId: string, o: AwsWaitOptions): Promise<void> {
    const { sdk, client } = await this.r53();
    const input = { Id: changeId };
    await this.watch.wait({
      ...o,
      service: 'Route 53',
      command: 'GetChangeCommand',
      input,
      what: `change ${changeId}`,
      status: (out) => (out as { ChangeInfo?: { Status?: string } }).ChangeInfo?.Status,
      waiter: (p) => sdk.waitUntilResourceRecordSetsChanged({ client, ...p }, input),
    });
  }

  /** What a resolver (`host:port`) answers for the name now: addresses, or the CNAME's target. */
  async resolve(resolver: string, name: string, type: string, timeoutMs = 3_000): Promise<string[]> {
    const r = new Resolver({ timeout: timeoutMs, tries: 1 });
    r.setServers([resolver]);
    const n = name.replace(/\.$/, '');
    if (type === 'AAAA') return r.resolve6(n);
    if (type === 'CNAME') return r.resolveCname(n);
    return r.resolve4(n);
  }

  destroy(): void {
    this.client?.destroy();
  }
}
