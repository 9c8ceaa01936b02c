import { describe, expect, it } from '@jest/globals';
import { approvalVerdict, cancelVerdict, fingerprintChanges, stricter } from '../../src/runbooks/approval.js';

const roleName = (r: string) => ({ incident_commander: 'Incident Commander', dba: 'Database Administrator' })[r] ?? r;
const L1 = { level: 1, twoPersonRule: true, approveRoles: ['incident_commander', 'dba'] };
const L3 = { level: 3, twoPersonRule: false, approveRoles: ['incident_commander', 'dba'] };
const base = { requester: 'UALICE', destructive: true, then: L1, now: L1, incidentStatus: 'investigating' as const, roleName };

describe('approval of a guarded action', () => {
  it('lets a second person with the standing role confirm', () => {
    expect(approvalVerdict({ ...base, clicker: 'UDBA', standing: new Set(['dba']) })).toEqual({ ok: true, as: 'dba' });
  });
  it('refuses the requester alone on an L1 destructive action, saying why', () => {
    const v = approvalVerdict({ ...base, clicker: 'UALICE', standing: new Set(['incident_commander']) });
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('L1 incidents need a second person') });
  });
  it('lets the requester confirm when neither then nor now has a two-person rule, or the action is not destructive', () => {
    expect(approvalVerdict({ ...base, then: L3, now: L3, clicker: 'UALICE', standing: new Set(['incident_commander']) }).ok).toBe(true);
    expect(approvalVerdict({ ...base, destructive: false, clicker: 'UALICE', standing: new Set(['incident_commander']) }).ok).toBe(true);
  });
  it('requested at L1, lowered to L3: the rule of request time still holds (the stricter of then and now)', () => {
    const v = approvalVerdict({ ...base, then: L1, now: L3, clicker: 'UALICE', standing: new Set(['incident_commander']) });
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('lowering the level since does not lift the rule') });
  });
  it('requested at L3, raised to L1: the rule of now holds', () => {
    expect(approvalVerdict({ ...base, then: L3, now: L1, clicker: 'UALICE', standing: new Set(['incident_commander']) }).ok).toBe(false);
  });
  it('only roles allowed both then and now may approve', () => {
    expect(stricter(L1, { ...L1, approveRoles: ['dba'] }).approveRoles).toEqual(['dba']);
    expect(approvalVerdict({ ...base, now: { ...L1, approveRoles: ['dba'] }, clicker: 'UIC', standing: new Set(['incident_commander']) }).ok).toBe(false);
  });
  it('refuses once the incident is resolved or closed', () => {
    for (const status of ['resolved', 'closed'] as const) {
      expect(approvalVerdict({ ...base, incidentStatus: status, clicker: 'UDBA', standing: new Set(['dba']) })).toEqual({ ok: false, reason: expect.stringContaining(`is ${status} now`) });
    }
  });
  it('refuses a person without a standing role before mentioning the rule (fail closed)', () => {
    const v = approvalVerdict({ ...base, clicker: 'UCOMMS', standing: new Set(['communications_coordinator']) });
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('Only an Incident Commander or a Database Administrator') });
    expect(approvalVerdict({ ...base, clicker: 'UX', standing: new Set() }).ok).toBe(false);
  });
  it('lets the requester or a standing incident commander cancel, nobody else', () => {
    expect(cancelVerdict('UALICE', 'UALICE', new Set(), roleName).ok).toBe(true);
    expect(cancelVerdict('UIC', 'UALICE', new Set(['incident_commander']), roleName).ok).toBe(true);
    expect(cancelVerdict('UDBA', 'UALICE', new Set(['dba']), roleName)).toEqual({ ok: false, reason: expect.stringContaining('can cancel') });
  });
});

describe('plan fingerprints', () => {
  it('names each fact that changed, and nothing when none did', () => {
    const then = { replica: 'r1', lagBand: 'within 16.0 MiB', image: 'a:1', replicas: 3 };
    expect(fingerprintChanges(then, { ...then })).toEqual([]);
    expect(fingerprintChanges(then, { ...then, lagBand: 'over 16.0 MiB', replicas: 5 })).toEqual(['lagBand: within 16.0 MiB → over 16.0 MiB', 'replicas: 3 → 5']);
    expect(fingerprintChanges({ snapshot: 's1' }, { snapshot: 's1', into: 'x' })).toEqual(['into: none → x']);
  });
});
