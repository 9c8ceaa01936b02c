import { describe, expect, it } from '@jest/globals';
import { closest, didYouMean } from '../../src/core/did-you-mean.js';

describe('did you mean', () => {
  const commands = ['declare', 'update', 'assign', 'level', 'status', 'list', 'resolve', 'remind', 'comms', 'page', 'timeline'];

  it('finds typos, swapped letters and clear prefixes', () => {
    expect(closest('delcare', commands)).toBe('declare');
    expect(closest('resolv', commands)).toBe('resolve');
    expect(closest('timeilne', commands)).toBe('timeline');
    expect(closest('failover', ['health', 'failover-db', 'restore-db'])).toBe('failover-db');
    expect(closest('DBA', ['dba', 'ic', 'comms'])).toBe('dba');
    expect(closest('payment-procesing', ['payment-processing', 'api-gateway'])).toBe('payment-processing');
  });

  it('stays quiet for another word altogether', () => {
    expect(closest('deploy', commands)).toBeUndefined();
    expect(closest('xyz', commands)).toBeUndefined();
    expect(didYouMean('banana', commands)).toBe('');
    expect(didYouMean('delcare', commands, (c) => `/incident ${c}`)).toBe(' Did you mean /incident declare?');
  });
});
