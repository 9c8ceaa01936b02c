import { describe, expect, it } from '@jest/globals';
import { ACTION_APPROVER, ANY_ROLE, decide, EVERYONE, inIncident, mayPossibly, PAGED_PERSON, REQUESTER, standingRoles, TEAM_MEMBER } from '../../src/core/authz.js';
import { redactDeep, redactUrls } from '../../src/core/redact.js';

const teams = {
  core: { members: ['UALICE', 'UDMITRI'], roles: ['incident_commander', 'technical_lead'] },
  dba: { members: ['UDMITRI'], roles: ['dba'] },
  comms: { members: ['UGEORGI'], roles: ['communications_coordinator'] },
  oncall: { members: ['UIVAN'] },
};
const name = (r: string) => r;
const facts = (user: string, extra = {}) => ({ standing: standingRoles(user, teams), ...extra });

describe('permissions from standing roles', () => {
  it('standing roles are the union of the teams a person is in; a team without roles gives none', () => {
    expect([...standingRoles('UDMITRI', teams)].sort()).toEqual(['dba', 'incident_commander', 'technical_lead']);
    expect(standingRoles('UIVAN', teams).size).toBe(0);
    expect(standingRoles('UNOBODY', teams).size).toBe(0);
  });

  it('a role held inside an incident never widens: IC of this incident without the standing role gets nothing', () => {
    const incidentRoles = { incident_commander: 'UNOBODY' };
    expect(decide('UNOBODY', ['incident_commander'], facts('UNOBODY', { incidentRoles }), name).allowed).toBe(false);
    expect(decide('UNOBODY', [inIncident('incident_commander')], facts('UNOBODY', { incidentRoles }), name).allowed).toBe(false);
  });

  it('incident:<role> narrows a standing role to this incident holder', () => {
    const incidentRoles = { incident_commander: 'UALICE' };
    expect(decide('UALICE', [inIncident('incident_commander')], facts('UALICE', { incidentRoles }), name)).toEqual({ allowed: true, as: 'incident:incident_commander' });
    expect(decide('UDMITRI', [inIncident('incident_commander')], facts('UDMITRI', { incidentRoles }), name).allowed).toBe(false);
  });

  it('fails closed: no grants, an empty list or an unknown word allow nothing', () => {
    expect(decide('UALICE', undefined, facts('UALICE'), name).allowed).toBe(false);
    expect(decide('UALICE', [], facts('UALICE'), name).allowed).toBe(false);
    expect(decide('UALICE', ['superuser'], facts('UALICE'), name).allowed).toBe(false);
    expect(mayPossibly('UALICE', [], standingRoles('UALICE', teams), true)).toBe(false);
    expect(mayPossibly('UALICE', undefined, standingRoles('UALICE', teams), true)).toBe(false);
  });

  it('everyone and any-role', () => {
    expect(decide('UNOBODY', [EVERYONE], facts('UNOBODY'), name).allowed).toBe(true);
    expect(decide('UNOBODY', [ANY_ROLE], facts('UNOBODY'), name).allowed).toBe(false);
    expect(decide('UGEORGI', [ANY_ROLE], facts('UGEORGI'), name).allowed).toBe(true);
  });

  it('row grants are decided on the row: requester, stored approver roles, paged person, team member', () => {
    const action = { requester: 'UALICE', approveRoles: ['dba'] };
    expect(decide('UALICE', [REQUESTER], facts('UALICE', { action }), name).allowed).toBe(true);
    expect(decide('UGEORGI', [REQUESTER], facts('UGEORGI', { action }), name).allowed).toBe(false);
    expect(decide('UDMITRI', [ACTION_APPROVER], facts('UDMITRI', { action }), name).allowed).toBe(true);
    expect(decide('UALICE', [ACTION_APPROVER], facts('UALICE', { action }), name).allowed).toBe(false);
    expect(decide('UIVAN', [PAGED_PERSON], facts('UIVAN', { pagedUsers: ['UIVAN', 'UIVAN'] }), name).allowed).toBe(true);
    expect(decide('UIVAN', [PAGED_PERSON], facts('UIVAN', { pagedUsers: ['UIVAN', 'UDMITRI'] }), name).allowed).toBe(false);
    expect(decide('UIVAN', [PAGED_PERSON], facts('UIVAN', { pagedUsers: [] }), name).allowed).toBe(false);
    expect(decide('UIVAN', [TEAM_MEMBER], facts('UIVAN', { teamMember: true }), name).allowed).toBe(true);
  });

  it('the router pre-check lets row grants through but refuses an incident grant without the standing role', () => {
    expect(mayPossibly('UNOBODY', [PAGED_PERSON], new Set(), false)).toBe(true);
    expect(mayPossibly('UNOBODY', [inIncident('incident_commander')], new Set(), false)).toBe(false);
    expect(mayPossibly('UNOBODY', [TEAM_MEMBER], new Set(), false)).toBe(false);
  });
});

describe('credentials in URLs', () => {
  it('strips user and password from any URL, and password= pairs', () => {
    expect(redactUrls('GET http://user:pass@host:8080/health failed')).toBe('GET http://***@host:8080/health failed');
    expect(redactUrls('postgres://app:s3cr%40t@db.internal:5432/boom')).toBe('postgres://***@db.internal:5432/boom');
    expect(redactUrls('redis://:hunter2@cache:6379/0 and https://token@x.io')).toBe('redis://***@cache:6379/0 and https://***@x.io');
    expect(redactUrls('host=db password=hunter2 user=x')).toBe('host=db password=*** user=x');
    expect(redactUrls('https://api.boomcard.bg/health?x=1')).toBe('https://api.boomcard.bg/health?x=1');
  });
  it('redacts strings nested in log objects and errors', () => {
    const out = redactDeep({ url: 'http://u:p@h/x', nested: { list: ['redis://:pw@r:1'] }, err: new Error('connect to postgres://a:b@c failed') });
    expect(JSON.stringify(out)).not.toMatch(/u:p@|:pw@|a:b@/);
    expect((out.err as Error).message).toBe('connect to postgres://***@c failed');
  });
});
