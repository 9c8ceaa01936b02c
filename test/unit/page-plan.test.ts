import { describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/core/incident.js';
import { dedupKey, levelReach, resolveTeam, routesOf, triggerEvent } from '../../src/paging/plan.js';
import type { PagingTeam } from '../../src/paging/schema.js';
import { loadPolicy } from '../../src/policy.js';

const policy = loadPolicy('dr-policy.yml');
const teams = policy.teams as Record<string, PagingTeam>;

describe('who a level reaches (seed "Incident Classification")', () => {
  it('L1 pages all teams, L2 core + management, L3 mentions on-call, L4 mentions support', () => {
    expect(levelReach(policy.levels[1], teams)).toEqual({ page: Object.keys(teams), mention: [] });
    expect(levelReach(policy.levels[2], teams)).toEqual({ page: ['core', 'management'], mention: [] });
    expect(levelReach(policy.levels[3], teams)).toEqual({ page: [], mention: ['on-call'] });
    expect(levelReach(policy.levels[4], teams)).toEqual({ page: [], mention: ['support'] });
  });
  it('routes by env NAME; a drill has none', () => {
    expect(routesOf(teams.core, false)).toEqual([{ provider: 'pagerduty', route: 'PD_ROUTING_KEY_CORE' }]);
    expect(routesOf(teams.infrastructure, false)).toEqual([{ provider: 'opsgenie', route: 'OPSGENIE_API_KEY' }]);
    expect(routesOf(teams.core, true)).toEqual([]);
    expect(routesOf(teams.communications, false)).toEqual([]);
  });
  it('teams by id or name', () => {
    expect(resolveTeam('DBA', teams)).toBe('dba');
    expect(resolveTeam('dba team', teams)).toBe('dba');
    expect(resolveTeam('On-call team', teams)).toBe('on-call');
    expect(resolveTeam('Infrastructure', teams)).toBe('infrastructure');
    expect(resolveTeam('janitors', teams)).toBeUndefined();
  });
});

describe('what a provider is told', () => {
  const inc: Incident = {
    id: 7, level: 1, title: 'Payments failing', description: 'Since 09:52', status: 'investigating', services: ['payment-processing'], drill: false,
    declaredBy: 'U0IC00001', declaredAt: new Date('2026-11-30T09:52:00Z'), channelId: null, cardTs: null, lastUpdateAt: null, lastUpdateBy: null,
    lastUpdateText: null, resolvedAt: null, resolvedBy: null, resolution: null, roles: { incident_commander: 'U0IC00001' }, remindEveryMs: null,
    acknowledgedAt: null, mitigatedAt: null, closedAt: null, closedBy: null, closeReason: null, checklistTs: null,
  };
  it('dedup key per incident and team (management tier apart), at most 255', () => {
    expect(dedupKey(7, 'dba', 0)).toBe('drbot-INC-7-dba');
    expect(dedupKey(7, 'dba', 1)).toBe('drbot-INC-7-dba');
    expect(dedupKey(7, 'dba', 2)).toBe('drbot-INC-7-dba-management');
    expect(dedupKey(7, 'x'.repeat(400), 0)).toHaveLength(255);
  });
  it.each([[1, 'critical', 'P1'], [2, 'error', 'P2'], [3, 'warning', 'P3'], [4, 'info', 'P4']] as const)('L%i → %s / %s', (level, severity, priority) => {
    const e = triggerEvent({ inc: { ...inc, level }, level: policy.levels[level], forWhom: 'DBA team', tier: 0, serviceNames: ['Payment Processing System'] }, 'k');
    expect(e).toMatchObject({ action: 'trigger', severity, priority, dedupKey: 'k' });
  });
  it('summary, details and the card link', () => {
    const e = triggerEvent({ inc, level: policy.levels[1], forWhom: 'DBA team', tier: 2, message: 'call me', link: 'https://x/archives/C1/p1', serviceNames: ['Payment Processing System'] }, 'k');
    expect(e.summary).toBe('INC-7 L1 Critical: Payments failing (escalated: DBA team did not acknowledge)');
    expect(e.details).toMatchObject({ incident: 'INC-7', services: 'Payment Processing System', tier: 'management', message: 'call me', slack_card: 'https://x/archives/C1/p1' });
    expect(e.description).toBe('Since 09:52\n\nMessage: call me');
  });
});
