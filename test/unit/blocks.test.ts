import { describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/core/incident.js';
import { loadPolicy } from '../../src/policy.js';
import { commands } from '../../commands/index.js';
import { helpBlocks } from '../../src/slack/blocks/help.js';
import { homeView } from '../../src/slack/blocks/home.js';
import { reminderMessage } from '../../src/slack/blocks/reminder.js';
import { incidentCard } from '../../src/slack/blocks/incident-card.js';
import { assignModal, declareModal, resolveModal, updateModal } from '../../src/slack/blocks/modals.js';
import { levelReply, resolveReply, roleReply, updateReply } from '../../src/slack/blocks/thread.js';

const policy = loadPolicy('dr-policy.yml');
const at = new Date('2026-11-25T10:00:00Z');

const open: Incident = {
  id: 12,
  level: 1,
  title: 'Payments failing at checkout',
  description: 'Card payments time out since 09:52 <!channel> & friends',
  status: 'investigating',
  services: ['payment-processing', 'api-gateway'],
  drill: false,
  declaredBy: 'U0IC00001',
  declaredAt: at,
  channelId: 'C0INCIDENT',
  cardTs: '1764064800.000100',
  lastUpdateAt: new Date('2026-11-25T10:20:00Z'),
  lastUpdateBy: 'U0DBA0001',
  lastUpdateText: 'Replica lag 0.4 s; promoting <@U999> *now*',
  resolvedAt: null,
  resolvedBy: null,
  resolution: null,
  roles: { incident_commander: 'U0IC00001', dba: 'U0DBA0001' },
  remindEveryMs: null,
  acknowledgedAt: new Date('2026-11-25T10:03:00Z'),
  mitigatedAt: null,
  closedAt: null,
  closedBy: null,
  closeReason: null,
  checklistTs: null,
};
const resolved: Incident = { ...open, level: 3, drill: true, status: 'resolved', mitigatedAt: new Date('2026-11-25T10:40:00Z'), resolvedAt: new Date('2026-11-25T11:05:00Z'), resolvedBy: 'U0IC00001', resolution: 'Failed over to replica-1' };

describe('incident card', () => {
  it('open L1 incident', () => expect(incidentCard(open, policy)).toMatchSnapshot());
  it('resolved drill', () => expect(incidentCard(resolved, policy)).toMatchSnapshot());
  it('shows the seed response time and escalation group for every level', () => {
    const expected = { 1: ['Immediate', 'All teams'], 2: ['Within 15 min', 'Core team + Management'], 3: ['Within 1 h', 'On-call team'], 4: ['Within 4 h', 'Standard support'] } as const;
    for (const n of [1, 2, 3, 4] as const) {
      const text = JSON.stringify(incidentCard({ ...open, level: n }, policy).blocks);
      expect(text).toContain(expected[n][0]);
      expect(text).toContain(expected[n][1]);
    }
  });
  it('never lets user text ping: every < from people is escaped', () => {
    const text = JSON.stringify(incidentCard(open, policy));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U999>');
    expect(text).toContain('&lt;!channel&gt;');
  });
  it('has buttons only while open', () => {
    expect(incidentCard(open, policy).blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(incidentCard(resolved, policy).blocks.some((b) => b.type === 'actions')).toBe(false);
  });
});

describe('modals', () => {
  it('declare', () => expect(declareModal(policy, { channel: 'C0INCIDENT', user: 'U0IC00001', title: 'Payments down' })).toMatchSnapshot());
  it('update', () => expect(updateModal(open, 'C0INCIDENT')).toMatchSnapshot());
  it('assign', () => expect(assignModal(open, policy, 'C0INCIDENT')).toMatchSnapshot());
  it('resolve', () => expect(resolveModal(open, 'C0INCIDENT')).toMatchSnapshot());
});

describe('thread replies', () => {
  it('say what changed, escaped', () => {
    expect(updateReply('U0DBA0001', 'Lag <!here> is 0', 'identified', true)).toMatchSnapshot();
    expect(roleReply(policy, 'dba', 'U0DBA0001', 'U0IC00001', 'U0INF0001')).toMatchSnapshot();
    expect(levelReply(policy, 3, 1, 'U0IC00001')).toMatchSnapshot();
    expect(levelReply(policy, 1, 2, 'U0IC00001')).toMatchSnapshot();
    expect(resolveReply(resolved, 'U0IC00001', 'Failed over')).toMatchSnapshot();
  });
});

describe('help', () => {
  it('lists every /incident command with usage', () => {
    const help = helpBlocks('incident', commands.filter((c) => c.path[0] === 'incident'));
    expect(help).toMatchSnapshot();
    const text = JSON.stringify(help);
    for (const name of ['declare', 'update', 'assign', 'level', 'status', 'list', 'resolve']) expect(text).toContain(`/incident ${name}`);
  });
});

describe('app home and reminders', () => {
  it('home with open incidents', () => {
    expect(homeView([open], policy, new Date('2026-11-25T11:00:00Z'), new Map([[12, 'https://boomcard.slack.com/archives/C0INCIDENT/p1764064800000100']]))).toMatchSnapshot();
  });
  it('home with none', () => expect(homeView([], policy, at, new Map())).toMatchSnapshot());
  it('a reminder in the thread and an escalation in the channel', () => {
    expect(reminderMessage(open, policy, { seq: 1, silentMs: 1_800_000, cadenceMs: 1_800_000, people: ['U0IC00001', 'U0COM0001'] })).toMatchSnapshot();
    const escalated = reminderMessage(open, policy, { seq: 2, silentMs: 3_600_000, cadenceMs: 1_800_000, people: ['U0IC00001'], escalateTo: '<@U0DBA0001> <!subteam^S0CORE>', permalink: 'https://x/archives/C/p1' });
    expect(escalated).toMatchSnapshot();
    expect(escalated.text).toContain('no status update for 1 h');
  });
});
