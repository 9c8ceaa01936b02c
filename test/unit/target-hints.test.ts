import { describe, expect, it } from '@jest/globals';
import { createInfra } from '../../src/infra/index.js';
import { rdsDefaults } from '../../src/runbooks/policy-schema.js';
import { kubernetesUnreachable, missingVariable, rdsUnreachable } from '../../src/runbooks/target-hints.js';
import { drPolicy } from '../helpers/dr-policy.js';

describe('refusals caused by a missing target name what to set', () => {
  const kube = drPolicy({ targets: { kubernetes: { namespace: 'production', kubeconfigEnv: 'KUBECONFIG', deployments: {} } } }).targets.kubernetes!;

  it('RDS with no credentials or endpoint: AWS_REGION, the credentials, provider: postgres and the README section', () => {
    const e = rdsUnreachable(createInfra({}), rdsDefaults, 'production-replica-1', new Error('Could not load credentials from any providers'));
    expect(e.message).toContain('RDS did not answer about production-replica-1 (Could not load credentials from any providers); nothing was planned.');
    for (const s of ['`AWS_REGION`', '`AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`', '`AWS_ENDPOINT_URL_RDS`', '`targets.database.provider: postgres`', 'README → “Recovery targets”']) expect(e.message).toContain(s);
  });

  it('RDS that is configured but failing: only what RDS said', () => {
    const e = rdsUnreachable(createInfra({ AWS_ACCESS_KEY_ID: 'AKIA…', AWS_SECRET_ACCESS_KEY: 'x' }), rdsDefaults, 'db', new Error('Throttling'));
    expect(e.message).toBe('RDS did not answer about db (Throttling); nothing was planned.');
  });

  it('Kubernetes with neither KUBECONFIG nor serverEnv: both named', () => {
    const e = kubernetesUnreachable(createInfra({}), kube, 'production/api-gateway', new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'));
    for (const s of ['`KUBECONFIG`', '`targets.kubernetes.kubeconfigEnv`', '`targets.kubernetes.serverEnv` and `tokenEnv`', 'README → “Recovery targets”']) expect(e.message).toContain(s);
    expect(kubernetesUnreachable(createInfra({ KUBECONFIG: '/etc/kube' }), kube, 'x', new Error('boom')).message).not.toContain('README');
  });

  it('an unset variable names the policy key that names it', () => {
    expect(missingVariable('PLATFORM_REDIS_URL', 'targets.redis.urlEnv', 'how to reach the platform Redis').message).toBe(
      'The environment variable PLATFORM_REDIS_URL (how to reach the platform Redis; named by `targets.redis.urlEnv` in dr-policy.yml) is not set on the bot. See README → “Recovery targets”.',
    );
  });
});
