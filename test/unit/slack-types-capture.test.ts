import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { commands } from '../../commands/index.js';
import type { Incident } from '../../src/core/incident.js';
import type { PagingTeam } from '../../src/paging/schema.js';
import { loadPolicy } from '../../src/policy.js';
import { actionCard, type CardAction } from '../../src/slack/blocks/action-card.js';
import { checklistMessage } from '../../src/slack/blocks/checklist.js';
import { commsModal } from '../../src/slack/blocks/comms-modal.js';
import { healthCard } from '../../src/slack/blocks/health-card.js';
import { helpBlocks } from '../../src/slack/blocks/help.js';
import { homeView } from '../../src/slack/blocks/home.js';
import { incidentCard } from '../../src/slack/blocks/incident-card.js';
import { assignModal, declareModal, resolveModal, updateModal } from '../../src/slack/blocks/modals.js';
import { pageDm } from '../../src/slack/blocks/page.js';
import { onCallBlocks } from '../../src/slack/blocks/page-oncall.js';
import { reminderMessage } from '../../src/slack/blocks/reminder.js';

/**
 * The builders' output, captured as typed literals in test/types/captured-payloads.ts: `tsc --noEmit`
 * (npm run typecheck) checks them against @slack/types' KnownBlock, ModalView and HomeView. This test keeps
 * the capture current: it fails when the builders drift from it (UPDATE_CAPTURED=1 rewrites it).
 */
const FILE = 'test/types/captured-payloads.ts';
const policy = loadPolicy('dr-policy.yml');
const at = new Date('2026-11-25T10:00:00Z');
const hostile = 'Replica lag & <!channel> 💥👩‍👩‍👧‍👦 مرحبا e\u0301 “it’s the DB’s fault” '.repeat(120);

const inc: Incident = {
  id: 7, level: 1, title: 'Payments & <POS> failing 💥'.padEnd(150, '💥').slice(0, 149), description: hostile, status: 'investigating',
  services: ['payment-processing', 'api-gateway'], drill: false, declaredBy: 'U0IC00001', declaredAt: at, channelId: 'C0INCIDENT', cardTs: '1764064800.000100',
  lastUpdateAt: at, lastUpdateBy: 'U0DBA0001', lastUpdateText: hostile, resolvedAt: null, resolvedBy: null, resolution: null,
  roles: { incident_commander: 'U0IC00001', dba: 'U0DBA0001' }, remindEveryMs: null, acknowledgedAt: at, mitigatedAt: null, closedAt: null, closedBy: null, closeReason: null, checklistTs: null,
};
const resolved: Incident = { ...inc, status: 'resolved', resolvedAt: new Date(at.getTime() + 3_600_000), resolvedBy: 'U0IC00001', resolution: hostile };
const action: CardAction = {
  id: 3, kind: 'failover-db', target: 'database', status: 'proposed', destructive: true,
  plan: { title: 'Fail over the database', target: 'database <primary>', summary: hostile, facts: [['Lag', '0 B & <fine>']], warnings: [hostile.slice(0, 500)], data: {} },
  steps: [{ id: 'promote', title: 'Promote production-replica-1', status: 'failed', ms: 1_200, error: hostile }],
  requestedBy: 'U0IC00001', expiresAt: at, approvedBy: null, startedAt: null, finishedAt: null, endedBy: null, error: null,
};
const form = { description: hostile.slice(0, 3_000), status: 'Investigating', services: ['payment-processing'], expected: 'within 2 hours', impact: 'a\nb', workarounds: '', title: 'T', update: hostile.slice(0, 3_000), next: '30' };

function capture(): string {
  const messages: Record<string, { blocks: unknown[] }> = {
    incidentCardOpen: incidentCard(inc, policy, at),
    incidentCardResolved: incidentCard(resolved, policy, at),
    checklistOpen: checklistMessage(resolved, [{ itemId: 'db', text: 'Database <primary> & replicas answer 💥', probe: null, checkedBy: 'dr-bot', checkedAt: at, evidence: hostile }, { itemId: 'x', text: 'x', probe: null, checkedBy: null, checkedAt: null, evidence: null }]),
    actionCard: actionCard(action, { incidentRef: 'INC-7', needsSecondPerson: true, approvers: ['Incident Commander'] }),
    healthCard: healthCard([{ name: 'Redis <cache>', ok: false, ms: 4_000, error: hostile }], { totalMs: 4_001, at }),
    help: helpBlocks('incident', commands.filter((d) => d.path[0] === 'incident') as never),
    pageDm: pageDm(inc, policy, [{ id: 1, forWhom: 'DBA team', tier: 0, message: hostile }], 'https://boomcard.slack.com/archives/C0INCIDENT/p1'),
    reminder: reminderMessage(inc, policy, { seq: 2, silentMs: 3_600_000, cadenceMs: 1_800_000, people: ['U0IC00001'], escalateTo: '<!subteam^S0CORE>', permalink: 'https://boomcard.slack.com/archives/C0INCIDENT/p1' }),
    onCall: onCallBlocks([{ id: 'dba', team: policy.teams.dba as PagingTeam, now: { primary: 'U0DBA0001', source: 'members' } }]),
  };
  const modals: Record<string, unknown> = {
    declareModal: declareModal(policy, { channel: 'C0INCIDENT', user: 'U0IC00001', title: inc.title }),
    updateModal: updateModal(inc, 'C0INCIDENT'),
    assignModal: assignModal(inc, policy, 'C0INCIDENT'),
    resolveModal: resolveModal(inc, 'C0INCIDENT'),
    commsModal: commsModal('customer', inc, policy, form, { channel: 'C0INCIDENT', incident: 7, template: 'customer' }, { text: hostile }),
  };
  const lit = (v: unknown) => JSON.stringify(v, null, 2);
  return [
    '// Generated by test/unit/slack-types-capture.test.ts (UPDATE_CAPTURED=1 to rewrite). Checked by `tsc --noEmit`',
    '// against @slack/types: every captured payload must be a valid typed literal.',
    "import type { HomeView, KnownBlock, ModalView } from '@slack/types';",
    '',
    ...Object.entries(messages).map(([name, m]) => `export const ${name}: KnownBlock[] = ${lit(m.blocks)};\n`),
    ...Object.entries(modals).map(([name, v]) => `export const ${name}: ModalView = ${lit(v)};\n`),
    `export const home: HomeView = ${lit(homeView([inc, resolved], policy, at, new Map([[7, 'https://boomcard.slack.com/archives/C0INCIDENT/p1']])))};\n`,
  ].join('\n');
}

describe('captured payloads as @slack/types literals', () => {
  it(`${FILE} is what the builders produce now`, () => {
    const now = capture();
    if (process.env.UPDATE_CAPTURED === '1' || !existsSync(FILE)) writeFileSync(FILE, now);
    expect(readFileSync(FILE, 'utf8')).toBe(now);
  });
});
