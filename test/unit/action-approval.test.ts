import { describe, expect, it } from '@jest/globals';
import { approvalVerdict, cancelVerdict } from '../../src/runbooks/approval.js';

const roleName = (r: string) => ({ incident_commander: 'Incident Commander', dba: 'Database Administrator' })[r] ?? r;
const base = { requester: 'UALICE', destructive: true, twoPersonRule: true, level: 1, approveRoles: ['incident_commander', 'dba'], roleName };

describe('approval of a guarded action', () => {
  it('lets a second person with the role confirm', () => {
    expect(approvalVerdict({ ...base, clicker: 'UDBA', held: new Set(['dba']) })).toEqual({ ok: true, as: 'dba' });
  });
  it('refuses the requester alone on an L1 destructive action, saying why', () => {
    const v = approvalVerdict({ ...base, clicker: 'UALICE', held: new Set(['incident_commander']) });
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('L1 incidents need a second person') });
  });
  it('lets the requester confirm when the level has no two-person rule, or the action is not destructive', () => {
    expect(approvalVerdict({ ...base, twoPersonRule: false, clicker: 'UALICE', held: new Set(['incident_commander']) }).ok).toBe(true);
    expect(approvalVerdict({ ...base, destructive: false, clicker: 'UALICE', held: new Set(['incident_commander']) }).ok).toBe(true);
  });
  it('refuses a person without the role before mentioning the rule (fail closed)', () => {
    const v = approvalVerdict({ ...base, clicker: 'UCOMMS', held: new Set(['communications_coordinator']) });
    expect(v).toEqual({ ok: false, reason: expect.stringContaining('Only the Incident Commander or Database Administrator') });
    expect(approvalVerdict({ ...base, clicker: 'UX', held: new Set() }).ok).toBe(false);
  });
  it('lets the requester or an incident commander cancel, nobody else', () => {
    expect(cancelVerdict('UALICE', 'UALICE', new Set(), roleName).ok).toBe(true);
    expect(cancelVerdict('UIC', 'UALICE', new Set(['incident_commander']), roleName).ok).toBe(true);
    expect(cancelVerdict('UDBA', 'UALICE', new Set(['dba']), roleName)).toEqual({ ok: false, reason: expect.stringContaining('can cancel') });
  });
});
