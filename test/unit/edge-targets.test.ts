import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { plainAwsError } from '../../src/core/aws-words.js';
import { checkPaths } from '../../src/core/cdn-paths.js';
import { parsePolicy, PolicyError } from '../../src/policy.js';

/** The shipped policy with its commented "Infrastructure Recovery" example switched on. */
const withEdgeExample = (edit: (yaml: string) => string = (y) => y) => {
  const lines = readFileSync('dr-policy.yml', 'utf8').split('\n');
  const from = lines.findIndex((l) => l.includes('# loadBalancers:'));
  const to = lines.findIndex((l, i) => i > from && !l.startsWith('  #'));
  const on = lines.map((l, i) => (i >= from && i < to && !/^\s*# *#/.test(l) ? l.replace(/^  # /, '  ') : l)).join('\n');
  return parsePolicy(edit(on), 'dr-policy.yml');
};

describe('targets.loadBalancers, dns and cdn', () => {
  it('the commented example in dr-policy.yml is a valid policy once uncommented', () => {
    const p = withEdgeExample();
    expect(p.targets.loadBalancers).toMatchObject({ healthCheckIntervalSeconds: 5, services: { api: { backupTargetGroupArnEnv: 'BACKUP_TG_ARN' } }, endpointEnv: 'AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2' });
    expect(p.targets.dns).toMatchObject({ hostedZoneIdEnv: 'ZONE_ID', region: 'us-east-1', records: { api: { name: 'api.boomcard.bg', type: 'A', ttl: 60 } } });
    expect(p.targets.cdn).toMatchObject({ distributionIdEnv: 'DIST_ID', primaryOrigin: 'web-primary', backupOrigin: 'web-backup', timeouts: { invalidation: 1_800_000, deploy: 2_700_000 } });
  });

  it('a bad edge target is refused by path', () => {
    const bad = () => withEdgeExample((y) => y.replace('backupOrigin: web-backup', 'backupOrigin: web-primary').replace('hostedZoneIdEnv: ZONE_ID', 'hostedZoneIdEnv: zone id').replace('healthCheckIntervalSeconds: 5 ', 'healthCheckIntervalSeconds: 2 '));
    expect(bad).toThrow(PolicyError);
    const text = (() => {
      try {
        bad();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(text).toContain('targets.cdn.backupOrigin');
    expect(text).toContain('targets.dns.hostedZoneIdEnv');
    expect(text).toContain('targets.loadBalancers.healthCheckIntervalSeconds');
  });
});

describe('CloudFront invalidation paths', () => {
  it('default /*; each starts with /, a * only at the end, at most 3,000 (15 wildcards)', () => {
    expect(checkPaths([])).toEqual({ ok: true, paths: ['/*'] });
    expect(checkPaths(['/a', '/b/*', '/a'])).toEqual({ ok: true, paths: ['/a', '/b/*'] });
    expect(checkPaths(['a'])).toMatchObject({ ok: false, problem: '"a" does not start with /' });
    expect(checkPaths(['/a*b'])).toMatchObject({ ok: false, problem: expect.stringContaining('wildcard only at the end') });
    expect(checkPaths(Array.from({ length: 3_001 }, (_, i) => `/p${i}`))).toMatchObject({ ok: false, problem: expect.stringContaining('at most 3000') });
    expect(checkPaths(Array.from({ length: 16 }, (_, i) => `/p${i}/*`))).toMatchObject({ ok: false, problem: expect.stringContaining('at most 15') });
    expect(checkPaths(Array.from({ length: 3_000 }, (_, i) => `/p${i}`))).toMatchObject({ ok: true });
  });
});

describe('AWS refusals in plain words', () => {
  it('names what to do and keeps the code and message', () => {
    const f = { service: 'Route 53', message: 'm', doing: 'change api.boomcard.bg. A', policyKey: 'targets.dns.hostedZoneIdEnv' };
    expect(plainAwsError({ ...f, code: 'AccessDenied' })).toMatch(/may not change api\.boomcard\.bg\. A: its IAM policy lacks the permission .*\(Route 53: AccessDenied: m\)/);
    expect(plainAwsError({ ...f, code: 'Throttling' })).toContain('throttling');
    expect(plainAwsError({ ...f, code: 'NoSuchHostedZone' })).toContain('Check the variable `targets.dns.hostedZoneIdEnv` names');
    expect(plainAwsError({ ...f, service: 'CloudFront', code: 'PreconditionFailed' })).toContain('nothing was overwritten');
    expect(plainAwsError({ ...f, code: 'InvalidChangeBatch', details: ['Tried to create … but it already exists'] })).toContain('Route 53 refused the change batch: Tried to create');
    expect(plainAwsError({ ...f, code: 'SomethingNew' })).toBeUndefined();
  });
});
