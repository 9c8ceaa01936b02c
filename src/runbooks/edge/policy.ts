/**
 * The policy's edge targets: load balancers (ELBv2), DNS (Route 53) and the CDN (CloudFront). Ids and ARNs
 * are never in the file (nor typed into chat): only the NAMES of the env variables that hold them.
 */
import { z } from 'zod';
import { duration, envName } from '../../policy-fields.js';

const name = z.string().regex(/^[a-z0-9][-a-z0-9_.]*$/, 'expected a short name like api or www');

/** How the bot reaches one AWS service: region (CloudFront and Route 53 are global: us-east-1) and an endpoint override. */
const aws = (endpointEnv: string, region = 'eu-central-1') => ({
  region: z.string().default(region),
  regionEnv: envName.default('AWS_REGION'),
  endpointEnv: envName.default(endpointEnv),
  /** Status checks while waiting: this often (the SDK waiter's delay). */
  pollEvery: duration.default(5_000),
});

const cdn = z
  .object({
    ...aws('AWS_ENDPOINT_URL_CLOUDFRONT', 'us-east-1'),
    /** The env variable holding the distribution id (E…). */
    distributionIdEnv: envName,
    /** Origin ids as the distribution config names them. */
    primaryOrigin: z.string().min(1),
    backupOrigin: z.string().min(1),
    /** When the default behaviour targets an origin group: the group whose first member (its primary) is switched. */
    originGroup: z.string().min(1).optional(),
    /** A URL answered through the CDN, checked after a switch (2xx/3xx is healthy). */
    verifyUrl: z.string().url().optional(),
    timeouts: z.object({ invalidation: duration.default(1_800_000), deploy: duration.default(2_700_000) }).strict().prefault({}),
  })
  .strict()
  .refine((c) => c.primaryOrigin !== c.backupOrigin, { message: 'primaryOrigin and backupOrigin must differ', path: ['backupOrigin'] });

const resourceRecord = z
  .object({
    /** The record's value: an address or a name (CNAME); or `alias` with the target's zone and DNS name. */
    values: z.array(z.string().min(1)).min(1).optional(),
    alias: z.object({ hostedZoneId: z.string().min(1), dnsName: z.string().min(1), evaluateTargetHealth: z.boolean().default(false) }).strict().optional(),
  })
  .strict()
  .refine((r) => Boolean(r.values) !== Boolean(r.alias), 'give either values or alias');

const dnsRecord = z
  .object({
    /** The record's full name (`api.boomcard.bg`). */
    name: z.string().regex(/^[a-z0-9*]([-a-z0-9.]*[a-z0-9])?\.?$/i, 'expected a DNS name like api.boomcard.bg'),
    type: z.enum(['A', 'AAAA', 'CNAME']).default('A'),
    ttl: z.number().int().min(0).max(604_800).default(60),
    /**
     * A failover (or weighted…) record set: the one with this SetIdentifier is UPSERTed, keeping its routing
     * (Failover PRIMARY/SECONDARY, health check) as Route 53 has it; the other sets of the name are untouched.
     */
    setIdentifier: z.string().min(1).max(128).optional(),
    /** What `primary` restores and `backup` switches to (an UPSERT of the record). */
    primary: resourceRecord,
    backup: resourceRecord,
  })
  .strict();

const dns = z
  .object({
    ...aws('AWS_ENDPOINT_URL_ROUTE_53', 'us-east-1'),
    /** The env variable holding the hosted zone id (Z…). */
    hostedZoneIdEnv: envName,
    records: z.record(name, dnsRecord).refine((r) => Object.keys(r).length > 0, 'list at least one record'),
    /** Optionally, a resolver (`host:port`) asked after the change is INSYNC: its answer is shown on the card. */
    resolver: z.string().regex(/^[^:\s]+(:\d+)?$/, 'expected host or host:port').optional(),
    timeout: duration.default(600_000),
  })
  .strict();

const loadBalancer = z
  .object({
    /** The env variables holding the listener's ARN and the two target groups' ARNs. */
    listenerArnEnv: envName,
    primaryTargetGroupArnEnv: envName,
    backupTargetGroupArnEnv: envName,
    /** The service's health URL, checked after the switch. */
    healthUrl: z.string().url().optional(),
  })
  .strict();

const loadBalancers = z
  .object({
    ...aws('AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2'),
    services: z.record(name, loadBalancer).refine((r) => Object.keys(r).length > 0, 'list at least one service'),
    /** Who may switch to a backup with no healthy target (`--force`). */
    forceRoles: z.array(z.string().min(1)).min(1).default(['incident_commander']),
    /** The backup's health-check interval during a failover (the procedures: 5 s). */
    healthCheckIntervalSeconds: z.number().int().min(5).max(300).default(5),
    healthyTimeout: duration.default(300_000),
  })
  .strict();

export const edgeTargets = { cdn: cdn.optional(), dns: dns.optional(), loadBalancers: loadBalancers.optional() };

export type CdnTarget = z.output<typeof cdn>;
export type DnsTarget = z.output<typeof dns>;
export type DnsRecordTarget = z.output<typeof dnsRecord>;
export type LoadBalancersTarget = z.output<typeof loadBalancers>;
/** What every edge target shares: how the bot reaches its AWS service. */
export type AwsServiceTarget = Pick<CdnTarget, 'region' | 'regionEnv' | 'endpointEnv' | 'pollEvery'>;
