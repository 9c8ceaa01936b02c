import { describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/core/incident.js';
import type { PagingTeam } from '../../src/paging/schema.js';
import { loadPolicy } from '../../src/policy.js';
import { incidentCard } from '../../src/slack/blocks/incident-card.js';
import { ackLine, escalationLine, failureLine, mentionLine, pageDm, pageDmClosed, pagingLine } from '../../src/slack/blocks/page.js';
import { onCallBlocks } from '../../src/slack/blocks/page-oncall.js';

const policy = loadPolicy('dr-policy.yml');
const at = new Date('2026-11-25T10:00:00Z');
const inc: Incident = {
  id: 12, level: 1, title: 'Payments failing <!channel> at checkout', description: '', status: 'investigating', services: ['payment-processing'], drill: false,
  declaredBy: 'U0IC00001', declaredAt: at, channelId: 'C0INCIDENT', cardTs: '1764064800.000100', lastUpdateAt: null, lastUpdateBy: null, lastUpdateText: null,
  resolvedAt: null, resolvedBy: null, resolution: null, roles: { incident_commander: 'U0IC00001' }, remindEveryMs: null,
  acknowledgedAt: null, mitigatedAt: null, closedAt: null, closedBy: null, closeReason: null, checklistTs: null,
} as Incident;
const link = 'https://boomcard.slack.com/archives/C0INCIDENT/p1764064800000100';

describe('page DM', () => {
  it('one DM for several pages, one Acknowledge for them all', () => {
    expect(pageDm(inc, policy, [{ id: 3, forWhom: 'DBA team', tier: 0 }, { id: 4, forWhom: 'Core team', tier: 0 }], link)).toMatchSnapshot();
  });
  it('secondary, management, a manual page with a message, a drill', () => {
    expect(pageDm({ ...inc, drill: true }, policy, [{ id: 5, forWhom: 'DBA team', tier: 1 }, { id: 6, forWhom: 'Core team', tier: 2 }, { id: 7, forWhom: '<@U0MGR0001>', tier: 0, message: 'Call me <@U999> & now', pagedBy: 'U0IC00001' }])).toMatchSnapshot();
  });
  it('closed: acknowledged or resolved, no button', () => {
    const ack = pageDmClosed(inc, policy, [{ id: 3, forWhom: 'DBA team', tier: 0 }], { ackedBy: 'U0DBA0001', ackedAt: at }, link);
    expect(ack).toMatchSnapshot();
    expect(ack.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(pageDmClosed(inc, policy, [{ id: 3, forWhom: 'DBA team', tier: 0 }], { resolved: true }).blocks.at(-1)).toMatchSnapshot();
  });
  it('user text never pings', () => {
    const text = JSON.stringify(pageDm(inc, policy, [{ id: 7, forWhom: 'DBA team', tier: 0, message: '<!here> <@U999>', pagedBy: 'U0IC00001' }]));
    expect(text).not.toMatch(/<!channel>|<!here>|<@U999>/);
  });
});

describe('thread lines', () => {
  it('paging, mention, escalation, acknowledgement, failure', () => {
    expect(pagingLine(inc, policy, { items: [{ forWhom: 'DBA team', user: 'U0DBA0001', via: ['PagerDuty', 'Slack'] }, { forWhom: 'Communications', via: [] }], already: ['Core team'], ackTimeoutMs: 300_000 })).toMatchSnapshot();
    expect(pagingLine({ ...inc, drill: true }, policy, { items: [{ forWhom: '<@U0MGR0001>', user: 'U0MGR0001', via: ['Slack'] }], ackTimeoutMs: 300_000, by: 'U0IC00001', message: 'Need you' })).toMatchSnapshot();
    expect(mentionLine({ ...inc, level: 3 }, policy, '<@U0INF0001> (on call, On-call team)')).toMatchSnapshot();
    expect(escalationLine(inc, { forWhom: 'DBA team', was: ['U0DBA0001'], afterMs: 300_000, tier: 1, to: { forWhom: 'DBA team', user: 'U0INF0001', via: ['Slack'] } })).toMatchSnapshot();
    expect(escalationLine(inc, { forWhom: 'DBA team', was: ['U0DBA0001', 'U0INF0001'], afterMs: 300_000, tier: 2, to: { forWhom: 'DBA team', user: 'U0MGR0001', via: ['PagerDuty', 'Slack'] } })).toMatchSnapshot();
    expect(ackLine('U0DBA0001', [{ forWhom: 'DBA team', ackMs: 72_000 }, { forWhom: 'Core team', ackMs: 400 }])).toMatchSnapshot();
    expect(failureLine({ provider: 'PagerDuty', action: 'trigger', forWhom: 'DBA team', error: '400 invalid routing key', reachedBy: ['Slack'] })).toBe(
      ':warning: PagerDuty page to the DBA team failed: 400 invalid routing key — reached by Slack only',
    );
    expect(failureLine({ provider: 'Opsgenie', action: 'trigger', forWhom: 'Management', error: 'no answer within 10 s', reachedBy: [] })).toContain('*not reached at all* — call them');
    expect(failureLine({ provider: 'PagerDuty', action: 'resolve', forWhom: 'DBA team', error: '503 x', reachedBy: [] })).toContain('resolve it in PagerDuty by hand');
  });
});

describe('card', () => {
  it('shows who acknowledged, when and after how long', () => {
    const card = incidentCard(inc, policy, at, { acknowledged: [{ user: 'U0DBA0001', forWhom: 'DBA team', at: new Date('2026-11-25T10:01:12Z'), ackMs: 72_000 }] });
    const line = card.blocks.find((b) => JSON.stringify(b).includes('*Acknowledged*'));
    expect(line).toMatchSnapshot();
    expect(incidentCard(inc, policy, at).blocks.some((b) => JSON.stringify(b).includes('*Acknowledged*'))).toBe(false);
  });
});

describe('/oncall', () => {
  it('a rotation with an override, a team without a rotation, nobody', () => {
    const teams = policy.teams as Record<string, PagingTeam>;
    expect(
      onCallBlocks([
        { id: 'core', team: teams.core!, now: { primary: 'U0DBA0001', secondary: 'U0IC00001', source: 'override', until: new Date('2026-11-25T12:00:00Z'), nextHandover: { at: new Date('2026-11-30T07:00:00Z'), to: 'U0INF0001' } } },
        { id: 'dba', team: teams.dba!, now: { primary: 'U0DBA0001', source: 'members' } },
        { id: 'support', team: { ...teams.support!, members: [] }, now: { source: 'members' } },
      ]),
    ).toMatchSnapshot();
  });
});
