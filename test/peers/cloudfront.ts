/**
 * A local stand-in for Amazon CloudFront (API 2020-05-31, REST-XML), built from the API model's operations
 * the bot uses and behaving as strictly as the service where the bot relies on it:
 * - GetDistribution / GetDistributionConfig answer an ETag; UpdateDistribution needs `If-Match`: missing is
 *   InvalidIfMatchVersion (400), stale is PreconditionFailed (412); the config must keep its CallerReference
 *   (IllegalUpdate), its Quantity must match its Items (InconsistentQuantities), the default behaviour must
 *   target an origin or origin group it has (NoSuchOrigin); a change is InProgress, then Deployed;
 * - CreateInvalidation: paths start with `/`, a `*` only at the end (InvalidArgument); the same CallerReference
 *   with the same paths answers the invalidation already made, with other paths InvalidationBatchAlreadyExists;
 *   an invalidation is InProgress, then Completed;
 * - NoSuchDistribution / NoSuchInvalidation (404); any error on demand (Throttling, AccessDenied).
 */
import { randomBytes } from 'node:crypto';
import { AwsPeer, esc, list, readXml, toXml, type AwsAnswer, type AwsRequest } from './aws-peer.js';

const NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

export interface PeerOrigin {
  id: string;
  domain: string;
}

interface PeerInvalidation {
  id: string;
  callerReference: string;
  paths: string[];
  createdAt: number;
  doneAt: number;
}

export interface PeerDistribution {
  id: string;
  domain: string;
  etag: string;
  /** The DistributionConfig as the SDK sent it (or as made by `add`), elements by name. */
  config: Record<string, any>;
  deployedAt: number;
  invalidations: PeerInvalidation[];
}

const etag = () => `E${randomBytes(6).toString('hex').toUpperCase()}`;

export class CloudFrontPeer extends AwsPeer {
  readonly distributions = new Map<string, PeerDistribution>();
  /** How long a config change deploys and an invalidation runs. */
  deployMs = 400;
  invalidateMs = 400;

  /** A distribution whose default behaviour targets `target` (an origin, or an origin group listed in `groups`). */
  add(id: string, o: { origins: PeerOrigin[]; target: string; groups?: Array<{ id: string; members: string[] }> }): PeerDistribution {
    const groups = o.groups ?? [];
    const config = {
      CallerReference: `created-${id}`,
      Aliases: { Quantity: '1', Items: { CNAME: 'www.boomcard.bg' } },
      DefaultRootObject: 'index.html',
      Origins: {
        Quantity: String(o.origins.length),
        Items: { Origin: o.origins.map((x) => ({ Id: x.id, DomainName: x.domain, OriginPath: '', CustomHeaders: { Quantity: '0' }, CustomOriginConfig: { HTTPPort: '80', HTTPSPort: '443', OriginProtocolPolicy: 'https-only' }, ConnectionAttempts: '3', ConnectionTimeout: '10' })) },
      },
      ...(groups.length
        ? {
            OriginGroups: {
              Quantity: String(groups.length),
              Items: { OriginGroup: groups.map((g) => ({ Id: g.id, FailoverCriteria: { StatusCodes: { Quantity: '2', Items: { StatusCode: ['502', '503'] } } }, Members: { Quantity: String(g.members.length), Items: { OriginGroupMember: g.members.map((m) => ({ OriginId: m })) } } })) },
            },
          }
        : {}),
      DefaultCacheBehavior: { TargetOriginId: o.target, ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', Compress: 'true' },
      CacheBehaviors: { Quantity: '0' },
      Comment: 'boomcard web',
      PriceClass: 'PriceClass_100',
      Enabled: 'true',
      HttpVersion: 'http2',
      IsIPV6Enabled: 'true',
    };
    const d: PeerDistribution = { id, domain: `d${id.toLowerCase()}.cloudfront.net`, etag: etag(), config, deployedAt: 0, invalidations: [] };
    this.distributions.set(id, d);
    return d;
  }

  /** The default behaviour's origin now. */
  target(id: string): string {
    return this.distributions.get(id)!.config.DefaultCacheBehavior.TargetOriginId;
  }

  /** An origin group's members in order (the first is its primary). */
  groupMembers(id: string, group: string): string[] {
    const g = list<any>(this.distributions.get(id)!.config.OriginGroups?.Items?.OriginGroup).find((x) => x.Id === group);
    return list<any>(g?.Members?.Items?.OriginGroupMember).map((m) => m.OriginId);
  }

  /** Someone else changes the distribution (the console, another tool): a new ETag. */
  touch(id: string, change: (config: Record<string, any>) => void = () => undefined): void {
    const d = this.distributions.get(id)!;
    change(d.config);
    d.etag = etag();
    d.deployedAt = Date.now() + this.deployMs;
  }

  protected opOf(r: AwsRequest): string | undefined {
    const m = /^\/2020-05-31\/distribution\/([^/]+)(\/config|\/invalidation(?:\/([^/]+))?)?$/.exec(r.path);
    if (!m) return undefined;
    if (!m[2]) return r.method === 'GET' ? 'GetDistribution' : undefined;
    if (m[2] === '/config') return r.method === 'GET' ? 'GetDistributionConfig' : r.method === 'PUT' ? 'UpdateDistribution' : undefined;
    if (m[3]) return r.method === 'GET' ? 'GetInvalidation' : undefined;
    return r.method === 'POST' ? 'CreateInvalidation' : r.method === 'GET' ? 'ListInvalidations' : undefined;
  }

  protected error(status: number, code: string, message: string): AwsAnswer {
    return { status, body: `<?xml version="1.0"?><ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>req-${Date.now()}</RequestId></ErrorResponse>` };
  }

  private status(d: PeerDistribution): string {
    return Date.now() < d.deployedAt ? 'InProgress' : 'Deployed';
  }

  private distributionXml(d: PeerDistribution): string {
    const inProgress = d.invalidations.filter((x) => Date.now() < x.doneAt).length;
    return (
      `<Distribution xmlns="${NS}"><Id>${d.id}</Id><ARN>arn:aws:cloudfront::111122223333:distribution/${d.id}</ARN><Status>${this.status(d)}</Status>` +
      `<LastModifiedTime>${new Date().toISOString()}</LastModifiedTime><InProgressInvalidationBatches>${inProgress}</InProgressInvalidationBatches><DomainName>${d.domain}</DomainName>` +
      `<ActiveTrustedSigners><Enabled>false</Enabled><Quantity>0</Quantity></ActiveTrustedSigners>${toXml('DistributionConfig', d.config)}</Distribution>`
    );
  }

  private invalidationXml(x: PeerInvalidation): string {
    return (
      `<Invalidation xmlns="${NS}"><Id>${x.id}</Id><Status>${Date.now() < x.doneAt ? 'InProgress' : 'Completed'}</Status><CreateTime>${new Date(x.createdAt).toISOString()}</CreateTime>` +
      `<InvalidationBatch><Paths><Quantity>${x.paths.length}</Quantity><Items>${x.paths.map((p) => `<Path>${esc(p)}</Path>`).join('')}</Items></Paths><CallerReference>${esc(x.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`
    );
  }

  protected handle(op: string, r: AwsRequest): AwsAnswer {
    const id = r.path.split('/')[3]!;
    const d = this.distributions.get(id);
    if (!d) return this.error(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
    switch (op) {
      case 'GetDistribution':
        return { status: 200, body: this.distributionXml(d), headers: { etag: d.etag } };
      case 'GetDistributionConfig':
        return { status: 200, body: `<?xml version="1.0"?>${toXml('DistributionConfig', { xmlns: NS, ...d.config }).replace('<DistributionConfig>', `<DistributionConfig xmlns="${NS}">`)}`, headers: { etag: d.etag } };
      case 'UpdateDistribution':
        return this.update(d, r);
      case 'CreateInvalidation':
        return this.invalidate(d, r);
      case 'GetInvalidation': {
        const x = d.invalidations.find((i) => i.id === r.path.split('/')[5]);
        if (!x) return this.error(404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
        return { status: 200, body: this.invalidationXml(x) };
      }
      default:
        return this.error(400, 'InvalidAction', `${op} is not supported here`);
    }
  }

  private update(d: PeerDistribution, r: AwsRequest): AwsAnswer {
    const ifMatch = r.headers['if-match'];
    if (!ifMatch) return this.error(400, 'InvalidIfMatchVersion', 'The If-Match version is missing or not valid for the resource.');
    if (ifMatch !== d.etag) return this.error(412, 'PreconditionFailed', 'The precondition given in one or more of the request-header fields evaluated to false.');
    const doc = readXml(r.raw);
    const c = doc?.DistributionConfig;
    if (!c || c.xmlns !== NS) return this.error(400, 'MalformedInput', 'Expected a DistributionConfig element in the CloudFront namespace.');
    for (const field of ['CallerReference', 'Origins', 'DefaultCacheBehavior', 'Comment', 'Enabled']) {
      if (c[field] === undefined) return this.error(400, 'InvalidArgument', `DistributionConfig.${field} is required.`);
    }
    if (c.CallerReference !== d.config.CallerReference) return this.error(400, 'IllegalUpdate', 'The CallerReference of a distribution cannot be changed.');
    const origins = list<any>(c.Origins.Items?.Origin);
    if (Number(c.Origins.Quantity) !== origins.length) return this.error(400, 'InconsistentQuantities', 'The value of Quantity and the size of Items don\'t match.');
    const groups = list<any>(c.OriginGroups?.Items?.OriginGroup);
    if (c.OriginGroups && Number(c.OriginGroups.Quantity) !== groups.length) return this.error(400, 'InconsistentQuantities', 'The value of Quantity and the size of Items don\'t match.');
    for (const g of groups) {
      const members = list<any>(g.Members?.Items?.OriginGroupMember);
      if (Number(g.Members?.Quantity) !== members.length) return this.error(400, 'InconsistentQuantities', 'The value of Quantity and the size of Items don\'t match.');
      if (members.some((m) => !origins.some((o) => o.Id === m.OriginId))) return this.error(404, 'NoSuchOrigin', 'One or more of your origins or origin groups do not exist.');
    }
    const target = c.DefaultCacheBehavior.TargetOriginId;
    if (!origins.some((o) => o.Id === target) && !groups.some((g) => g.Id === target)) return this.error(404, 'NoSuchOrigin', 'One or more of your origins or origin groups do not exist.');
    const { xmlns: _ns, ...config } = c;
    d.config = config;
    d.etag = etag();
    d.deployedAt = Date.now() + this.deployMs;
    return { status: 200, body: this.distributionXml(d), headers: { etag: d.etag } };
  }

  private invalidate(d: PeerDistribution, r: AwsRequest): AwsAnswer {
    const b = readXml(r.raw)?.InvalidationBatch;
    if (!b || b.xmlns !== NS) return this.error(400, 'MalformedInput', 'Expected an InvalidationBatch element in the CloudFront namespace.');
    if (!b.CallerReference) return this.error(400, 'MissingArgument', 'InvalidationBatch.CallerReference is required.');
    const paths = list<string>(b.Paths?.Items?.Path);
    if (Number(b.Paths?.Quantity) !== paths.length) return this.error(400, 'InconsistentQuantities', 'The value of Quantity and the size of Items don\'t match.');
    if (paths.length === 0) return this.error(400, 'InvalidArgument', 'Your request must contain at least one path.');
    const bad = paths.find((p) => !p.startsWith('/') || (p.includes('*') && p.indexOf('*') !== p.length - 1));
    if (bad) return this.error(400, 'InvalidArgument', `Invalid path: ${bad}`);
    const same = d.invalidations.find((x) => x.callerReference === b.CallerReference);
    if (same) {
      if (same.paths.join('\n') !== paths.join('\n')) return this.error(409, 'InvalidationBatchAlreadyExists', 'A different invalidation batch with this caller reference already exists.');
      return { status: 201, body: this.invalidationXml(same), headers: { location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.id}/invalidation/${same.id}` } };
    }
    const inProgress = d.invalidations.filter((x) => Date.now() < x.doneAt).reduce((n, x) => n + x.paths.length, 0);
    if (inProgress + paths.length > 3_000) return this.error(400, 'TooManyInvalidationsInProgress', 'You have exceeded the maximum number of allowable InProgress invalidation batch requests, or invalidation objects.');
    const x: PeerInvalidation = { id: `I${randomBytes(6).toString('hex').toUpperCase()}`, callerReference: b.CallerReference, paths, createdAt: Date.now(), doneAt: Date.now() + this.invalidateMs };
    d.invalidations.push(x);
    return { status: 201, body: this.invalidationXml(x), headers: { location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${d.id}/invalidation/${x.id}` } };
  }
}
