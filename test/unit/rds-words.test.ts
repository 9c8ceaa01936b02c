import { describe, expect, it } from '@jest/globals';
import { plainRdsError } from '../../src/core/rds-errors.js';
import { FAILURE_STATES, isTransient, waitVerdict } from '../../src/core/rds-states.js';
import { RdsCallError, type RdsInstance } from '../../src/infra/rds-types.js';
import { waitForInstance } from '../../src/infra/rds-wait.js';
import { rdsDefaults, rdsTimeout } from '../../src/runbooks/policy-schema.js';
import { explainRds } from '../../src/runbooks/rds-explain.js';

describe('RDS errors in plain words', () => {
  const base = { doing: 'promote production-replica-1', instance: 'production-replica-1', message: 'RDS said so' };
  // Every row has all three values: jest takes a missing third argument for a `done` callback.
  const cases: Array<[string, RegExp, Record<string, string>]> = [
    ['InvalidDBInstanceState', /RDS cannot promote production-replica-1 while production-replica-1 is busy \(taking a backup, being modified or rebooted\): it must be available/, {}],
    ['Throttling', /AWS is throttling the bot's RDS calls; nothing was changed by this call\. Ask again in a minute/, {}],
    ['AccessDenied', /The bot's AWS identity may not promote production-replica-1: its IAM policy lacks the permission \(README, "RDS prerequisites"\)/, {}],
    ['InsufficientDBInstanceCapacity', /AWS has no capacity for that instance class in that Availability Zone right now/, {}],
    ['StorageQuotaExceeded', /RDS storage quota is used up: raise it in Service Quotas/, {}],
    ['InstanceQuotaExceeded', /as many RDS instances as its quota allows/, {}],
    ['PointInTimeRestoreNotEnabled', /keeps no automated backups \(backup retention 0\), so it has no point in time to restore/, {}],
    ['KMSKeyNotAccessible', /RDS cannot use the KMS key that encrypts the data/, {}],
    ['InvalidDBSnapshotState', /The snapshot rds:x is not available \(still being created, or being deleted\)/, { snapshot: 'rds:x' }],
    ['InvalidParameterValue', /RDS refused to restore to 2026-01-01T00:00:00Z: that time is no longer inside the instance's restorable window/, { time: '2026-01-01T00:00:00Z', message: 'The restore time is before the earliest restorable time' }],
    ['InvalidRestoreFault', /RDS refused to restore to 2026-01-01T00:00:00Z: Cannot restore from VPC backup to non-VPC DB instance/, { time: '2026-01-01T00:00:00Z', message: 'Cannot restore from VPC backup to non-VPC DB instance' }],
  ];
  it.each(cases)('%s', (code, words, extra) => {
    const text = plainRdsError({ ...base, ...extra, code })!;
    expect(text).toMatch(words);
    expect(text).toContain(`(RDS: ${code}: ${extra.message ?? 'RDS said so'})`);
  });

  it('an unknown code is left to the caller, which keeps RDS\' code and message', () => {
    expect(plainRdsError({ ...base, code: 'SomethingNew' })).toBeUndefined();
    expect(explainRds(new RdsCallError('SomethingNew', 'new failure', 400, false), { doing: 'promote x' }).message).toBe('RDS refused to promote x (RDS: SomethingNew: new failure)');
  });
});

describe('RDS waits', () => {
  it('ends on available (and the caller\'s condition), fails at once on every failure state of the waiter and the status list', () => {
    expect(waitVerdict('available')).toEqual({ kind: 'done' });
    expect(waitVerdict('available', false)).toEqual({ kind: 'wait' });
    for (const s of ['modifying', 'rebooting', 'backing-up', 'creating', 'configuring-enhanced-monitoring', 'storage-optimization']) expect(waitVerdict(s).kind).toBe('wait');
    for (const s of ['deleted', 'deleting', 'failed', 'incompatible-restore', 'incompatible-parameters', 'storage-full', 'incompatible-network', 'inaccessible-encryption-credentials']) {
      expect(waitVerdict(s)).toEqual({ kind: 'failed', why: `${s}: ${FAILURE_STATES[s]}` });
    }
  });

  it('throttling, 5xx and timeouts are passing; access denied and bad input are not', () => {
    expect(isTransient('Throttling')).toBe(true);
    expect(isTransient(undefined, 503)).toBe(true);
    expect(isTransient('TimeoutError')).toBe(true);
    expect(isTransient('AccessDenied', 403)).toBe(false);
    expect(isTransient('InvalidParameterValue', 400)).toBe(false);
  });

  it('survives passing errors up to the policy\'s limit, then gives up saying RDS may still be working', async () => {
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls <= 3) throw new RdsCallError('Throttling', 'Rate exceeded', 400, true);
      const up: RdsInstance = { id: 'x', status: 'available', replicas: [], statusInfos: [], securityGroups: [], multiAZ: false, publiclyAccessible: false, deletionProtection: false, iamAuth: false, encrypted: false };
      return up;
    };
    await expect(waitForInstance(flaky, 'x', { timeoutMs: 10_000, pollMs: 5, maxTransientErrors: 5 })).resolves.toMatchObject({ status: 'available' });
    expect(calls).toBe(4);
    const down = async () => {
      throw new RdsCallError('ServiceUnavailable', 'try later', 503, true);
    };
    await expect(waitForInstance(down, 'x', { timeoutMs: 10_000, pollMs: 5, maxTransientErrors: 2 })).rejects.toThrow('3 status checks of x in a row failed (last: ServiceUnavailable: try later); RDS may still be working on it');
    const denied = async () => {
      throw new RdsCallError('AccessDenied', 'no', 403, false);
    };
    await expect(waitForInstance(denied, 'x', { timeoutMs: 10_000, pollMs: 5, maxTransientErrors: 5 })).rejects.toThrow('no');
  });

  it('timeouts per operation from the policy: its own, else the one limit, else the default (restores: 4 h)', () => {
    expect(rdsTimeout(rdsDefaults, 'restore')).toBe(4 * 3_600_000);
    expect(rdsTimeout(rdsDefaults, 'promote')).toBe(1_800_000);
    expect(rdsTimeout({ ...rdsDefaults, availableTimeout: 60_000 }, 'restore')).toBe(60_000);
    expect(rdsTimeout({ ...rdsDefaults, availableTimeout: 60_000, timeouts: { restore: 7_200_000 } }, 'restore')).toBe(7_200_000);
  });
});
