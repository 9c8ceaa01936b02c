/** Amazon CloudFront: invalidations (`/dr purge-cdn`) and the default behaviour's origin (`/dr cdn-origin`). */
import type { CloudFrontClient, DistributionConfig } from '@aws-sdk/client-cloudfront';
import { awsCallError, clientOptions, WaitWatch, type AwsAccess, type AwsWaitOptions } from './aws-call.js';

type Sdk = typeof import('@aws-sdk/client-cloudfront');
let sdkLoading: Promise<Sdk> | undefined;
/** Loaded at the first CloudFront call, not at start-up (like the RDS adapter). */
const loadSdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-cloudfront'));

/** What a plan needs of a distribution's config: where the default behaviour sends requests. */
export interface CdnRouting {
  etag: string;
  /** The default cache behaviour's TargetOriginId (an origin, or an origin group). */
  target: string;
  origins: Array<{ id: string; domain: string }>;
  groups: Array<{ id: string; members: string[] }>;
  enabled: boolean;
}

/** The switch the bot makes: the default behaviour to an origin, or an origin group's first member. */
export type OriginSwitch = { kind: 'target'; origin: string } | { kind: 'group'; group: string; primary: string };

export interface CdnDistribution {
  id: string;
  status: string;
  domain: string;
  etag?: string;
  routing: Omit<CdnRouting, 'etag'>;
}

export interface CdnInvalidation {
  id: string;
  status: string;
  paths: string[];
}

function routingOf(c: DistributionConfig | undefined): Omit<CdnRouting, 'etag'> {
  return {
    target: c?.DefaultCacheBehavior?.TargetOriginId ?? '',
    origins: (c?.Origins?.Items ?? []).map((o) => ({ id: o.Id ?? '', domain: o.DomainName ?? '' })),
    groups: (c?.OriginGroups?.Items ?? []).map((g) => ({ id: g.Id ?? '', members: (g.Members?.Items ?? []).map((m) => m.OriginId ?? '') })),
    enabled: c?.Enabled === true,
  };
}

/** The config with the switch applied; nothing else in it is touched. */
function switched(c: DistributionConfig, s: OriginSwitch): DistributionConfig {
  if (s.kind === 'target') return { ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, TargetOriginId: s.origin } };
  const groups = (c.OriginGroups?.Items ?? []).map((g) => {
    if (g.Id !== s.group) return g;
    const items = g.Members?.Items ?? [];
    const first = items.filter((m) => m.OriginId === s.primary);
    return { ...g, Members: { Quantity: items.length, Items: [...first, ...items.filter((m) => m.OriginId !== s.primary)] } };
  });
  return { ...c, OriginGroups: { Quantity: groups.length, Items: groups } };
}

export class CloudFrontAdapter {
  private client?: CloudFrontClient;
  private readonly watch = new WaitWatch();
  constructor(private readonly a: AwsAccess) {}

  private async cf(): Promise<{ sdk: Sdk; client: CloudFrontClient }> {
    const sdk = await loadSdk();
    if (!this.client) {
      this.client = this.watch.attach(new sdk.CloudFrontClient(clientOptions(this.a)));
    }
    return { sdk, client: this.client };
  }

  private async call<T>(fn: (r: { sdk: Sdk; client: CloudFrontClient }) => Promise<T>): Promise<T> {
    const r = await this.cf();
    try {
      return await fn(r);
    } catch (err) {
      throw awsCallError('CloudFront', err);
    }
  }

  async distribution(id: string, timeoutMs = 10_000): Promise<CdnDistribution> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.GetDistributionCommand({ Id: id }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
    const d = r.Distribution;
    return { id, status: d?.Status ?? 'unknown', domain: d?.DomainName ?? '', etag: r.ETag, routing: routingOf(d?.DistributionConfig) };
  }

  /** GetDistributionConfig: the routing and the ETag an update must name in If-Match. */
  async routing(id: string, timeoutMs = 10_000): Promise<CdnRouting> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.GetDistributionConfigCommand({ Id: id }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
    return { etag: r.ETag ?? '', ...routingOf(r.DistributionConfig) };
  }

  /**
   * Reads the config, and unless its ETag is still `etag` (what the plan showed) changes nothing; else applies
   * the switch and UpdateDistribution with If-Match: `etag`. A change in between is CloudFront's
   * PreconditionFailed: never overwritten. Answers the new ETag.
   */
  async switchOrigin(id: string, etag: string, s: OriginSwitch): Promise<{ etag: string; status: string } | { changed: CdnRouting }> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.GetDistributionConfigCommand({ Id: id })));
    if (r.ETag !== etag || !r.DistributionConfig) return { changed: { etag: r.ETag ?? '', ...routingOf(r.DistributionConfig) } };
    const u = await this.call(({ sdk, client }) => client.send(new sdk.UpdateDistributionCommand({ Id: id, IfMatch: etag, DistributionConfig: switched(r.DistributionConfig!, s) })));
    return { etag: u.ETag ?? '', status: u.Distribution?.Status ?? 'unknown' };
  }

  /** CreateInvalidation; the same caller reference with the same paths answers the invalidation already made. */
  async invalidate(id: string, paths: string[], callerReference: string): Promise<CdnInvalidation> {
    const r = await this.call(({ sdk, client }) =>
      client.send(new sdk.CreateInvalidationCommand({ DistributionId: id, InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } } })),
    );
    return { id: r.Invalidation?.Id ?? '', status: r.Invalidation?.Status ?? 'unknown', paths: r.Invalidation?.InvalidationBatch?.Paths?.Items ?? paths };
  }

  async invalidation(distributionId: string, id: string): Promise<CdnInvalidation> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.GetInvalidationCommand({ DistributionId: distributionId, Id: id })));
    return { id, status: r.Invalidation?.Status ?? 'unknown', paths: r.Invalidation?.InvalidationBatch?.Paths?.Items ?? [] };
  }

  /** The SDK's InvalidationCompleted waiter, with progress. */
  async waitInvalidation(distributionId: string, id: string, o: AwsWaitOptions): Promise<void> {
    const { sdk, client } = await this.cf();
    const input = { DistributionId: distributionId, Id: id };
    await this.watch.wait({
      ...o,
      service: 'CloudFront',
      command: 'GetInvalidationCommand',
      input,
      what: `invalidation ${id}`,
      status: (out) => (out as { Invalidation?: { Status?: string } }).Invalidation?.Status,
      waiter: (p) => sdk.waitUntilInvalidationCompleted({ client, ...p }, input),
    });
  }

  /** The SDK's DistributionDeployed waiter, with progress. */
  async waitDeployed(id: string, o: AwsWaitOptions): Promise<void> {
    const { sdk, client } = await this.cf();
    const input = { Id: id };
    await this.watch.wait({
      ...o,
      service: 'CloudFront',
      command: 'GetDistributionCommand',
      input,
      what: `distribution ${id}`,
      status: (out) => (out as { Distribution?: { Status?: string } }).Distribution?.Status,
      waiter: (p) => sdk.waitUntilDistributionDeployed({ client, ...p }, input),
    });
  }

  destroy(): void {
    this.client?.destroy();
  }
}
