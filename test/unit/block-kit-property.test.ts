import { describe, expect, it } from '@jest/globals';
import { commands } from '../../commands/index.js';
import { TEMPLATE_NAMES } from '../../src/comms/schemas.js';
import { TEXT_MAX, TITLE_MAX, type Incident } from '../../src/core/incident.js';
import { splitMessage } from '../../src/core/slack-text.js';
import type { PagingTeam } from '../../src/paging/schema.js';
import { loadPolicy } from '../../src/policy.js';
import { actionCard, type CardAction } from '../../src/slack/blocks/action-card.js';
import { checkReport } from '../../src/slack/blocks/check-report.js';
import { checklistMessage } from '../../src/slack/blocks/checklist.js';
import { commsModal } from '../../src/slack/blocks/comms-modal.js';
import { healthCard } from '../../src/slack/blocks/health-card.js';
import { helpBlocks } from '../../src/slack/blocks/help.js';
import { homeView } from '../../src/slack/blocks/home.js';
import { incidentCard } from '../../src/slack/blocks/incident-card.js';
import { incidentListText } from '../../src/slack/blocks/incident-list.js';
import { assignModal, declareModal, resolveModal, updateModal } from '../../src/slack/blocks/modals.js';
import { ackLine, escalationLine, failureLine, mentionLine, pageDm, pageDmClosed, pagingLine } from '../../src/slack/blocks/page.js';
import { onCallBlocks } from '../../src/slack/blocks/page-oncall.js';
import { reminderMessage } from '../../src/slack/blocks/reminder.js';
import { levelReply, resolveReply, roleReply, updateReply } from '../../src/slack/blocks/thread.js';
import type { ChecklistItem } from '../../src/store/checklist.js';
import { DocumentedLimits } from '../helpers/block-kit-docs.js';

/**
 * Every Block Kit builder, fed what people really paste, checked against Slack's documented limits
 * (test/helpers/block-kit-docs.ts, written from Slack's reference, not from the bot's table).
 */
const policy = loadPolicy('dr-policy.yml');
const at = new Date('2026-11-25T10:00:00Z');

function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Texts of exactly `n` UTF-16 units (or one short of it, so a pair is never split by the generator itself). */
const fill = (unit: string, n: number): string => {
  let s = unit.repeat(Math.ceil(n / unit.length));
  while (s.length > n) s = Array.from(s).slice(0, -1).join('');
  return s;
};
const KINDS: Record<string, string> = {
  entities: '&<>',
  html: '<div class="x">&nbsp;<b>a & b</b></div>\n',
  emoji: '💥🔥👩‍👩‍👧‍👦🇧🇬👍🏽',
  rtl: 'שלום עולם مرحبا بالعالم ',
  combining: 'e\u0301\u0302\u0303a\u0308 ',
  mentions: '<!channel> <@U0IC00001> <#C1> ',
  quotes: '> “it’s the DB’s fault” \n',
  mixed: 'Replica lag 40 s & rising <3 💥 مرحبا e\u0301 ',
};
const kinds = Object.keys(KINDS);

function adversarial(rnd: () => number, n: number): string {
  const k = kinds[Math.floor(rnd() * kinds.length)]!;
  return fill(KINDS[k]!, n);
}

function incident(rnd: () => number, id: number, o: Partial<Incident> = {}): Incident {
  return {
    id,
    level: (1 + Math.floor(rnd() * 4)) as 1 | 2 | 3 | 4,
    title: adversarial(rnd, TITLE_MAX),
    description: adversarial(rnd, 3_000),
    status: 'investigating',
    services: policy.services.map((s) => s.id),
    drill: rnd() < 0.3,
    declaredBy: 'U0IC00001',
    declaredAt: at,
    channelId: 'C0INCIDENT',
    cardTs: '1764064800.000100',
    lastUpdateAt: new Date(at.getTime() + 60_000 * 60),
    lastUpdateBy: 'U0DBA0001',
    lastUpdateText: adversarial(rnd, TEXT_MAX),
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    roles: Object.fromEntries(Object.keys(policy.roles).map((r, i) => [r, `U0ROLE000${i}`])),
    remindEveryMs: null,
    acknowledgedAt: new Date(at.getTime() + 120_000),
    mitigatedAt: null,
    closedAt: null,
    closedBy: null,
    closeReason: null,
    checklistTs: null,
    ...o,
  };
}

const RUNS = 25;

function check(build: (c: DocumentedLimits, rnd: () => number, run: number) => void, seed: number): string[] {
  const rnd = prng(seed);
  const c = new DocumentedLimits();
  for (let run = 0; run < RUNS; run++) build(c, rnd, run);
  return c.problems.slice(0, 10);
}

describe('every Block Kit builder with adversarial text keeps every documented limit', () => {
  it('the incident card: open, resolved, closed; 3,000-character descriptions, updates and resolutions full of &<>, emoji, RTL, combining marks', () => {
    expect(
      check((c, rnd, run) => {
        const open = incident(rnd, run + 1);
        c.message('open', incidentCard(open, policy, at, { acknowledged: [{ user: 'U0DBA0001', forWhom: adversarial(rnd, 100), at, ackMs: 90_000 }] }));
        const resolved = { ...open, status: 'resolved' as const, resolvedAt: new Date(at.getTime() + 7_200_000), resolvedBy: 'U0IC00001', resolution: adversarial(rnd, 3_000) };
        c.message('resolved', incidentCard(resolved, policy, at));
        c.message('closed', incidentCard({ ...resolved, status: 'closed', closedAt: at, closedBy: 'U0IC00001', closeReason: adversarial(rnd, 3_000) }, policy, at));
      }, 1),
    ).toEqual([]);
  });

  it('cut text says where the rest is, and never leaves half an emoji', () => {
    const inc = incident(prng(2), 1, { lastUpdateText: fill('💥', TEXT_MAX), description: fill('&<>', 3_000), title: fill('👩‍👩‍👧‍👦', TITLE_MAX) });
    const text = JSON.stringify(incidentCard(inc, policy, at).blocks);
    expect(text).toContain('the whole text is in the thread');
    expect(text).toContain('the whole description is in `/incident timeline`');
    expect(text).not.toMatch(/\\ud83d"|\\ud83d…|&amp…|&am…|&a…|&l…|&g…/i);
  });

  it('60 updates in the thread: every reply fits Slack’s 4,000 characters, in marked parts when longer', () => {
    const rnd = prng(3);
    const c = new DocumentedLimits();
    let parts = 0;
    for (let n = 0; n < 60; n++) {
      const text = n % 3 === 0 ? fill('&<>', TEXT_MAX) : adversarial(rnd, TEXT_MAX);
      const all = [updateReply('U0DBA0001', text, 'identified', n % 2 === 0), resolveReply(incident(rnd, n, { resolvedAt: at }), 'U0IC00001', text)];
      for (const reply of all) {
        const split = splitMessage(reply);
        parts += split.length;
        split.forEach((p, i) => c.messageText(`update ${n} part ${i}`, p));
        if (split.length > 1) expect(split[1]).toMatch(/^_\(continued, part 2 of \d\)_/);
        // Nothing is lost: the parts hold every line of the reply.
        expect(split.map((p) => p.replace(/^_\(continued, part \d+ of \d+\)_\n/, '')).join('').replace(/\n/g, '')).toBe(reply.replace(/\n/g, ''));
      }
    }
    for (const r of [roleReply(policy, 'dba', 'U0DBA0001', 'U0IC00001', 'U0INF0001'), levelReply(policy, 2, 1, 'U0IC00001')]) c.messageText('reply', r);
    expect(parts).toBeGreaterThan(120);
    expect(c.problems.slice(0, 10)).toEqual([]);
  });

  it('modals: declare (longest accepted title), update, assign, resolve, comms with 3,000-character fields and previews', () => {
    expect(
      check((c, rnd, run) => {
        const inc = incident(rnd, run + 1);
        c.view('declare', declareModal(policy, { channel: 'C0INCIDENT', user: 'U0IC00001', title: adversarial(rnd, TITLE_MAX) }));
        c.view('update', updateModal(inc, 'C0INCIDENT'));
        c.view('assign', assignModal(inc, policy, 'C0INCIDENT'));
        c.view('resolve', resolveModal(inc, 'C0INCIDENT'));
        const form = { description: adversarial(rnd, 3_000), status: 'Investigating', services: ['payment-processing'], expected: adversarial(rnd, 200), impact: adversarial(rnd, 3_000), workarounds: adversarial(rnd, 3_000), title: adversarial(rnd, 200), update: adversarial(rnd, 3_000), next: '30' };
        for (const t of TEMPLATE_NAMES) {
          const meta = { channel: 'C0INCIDENT', incident: inc.id, template: t };
          c.view(`comms ${t}`, commsModal(t, inc, policy, form, meta));
          c.view(`comms ${t} preview`, commsModal(t, inc, policy, form, meta, { text: adversarial(rnd, 12_000) }));
          c.view(`comms ${t} problems`, commsModal(t, inc, policy, form, meta, { problems: [adversarial(rnd, 300), adversarial(rnd, 300)] }));
        }
      }, 4),
    ).toEqual([]);
  });

  it('App Home and /incident list with 50 open incidents at the longest titles', () => {
    expect(
      check((c, rnd) => {
        const open = Array.from({ length: 50 }, (_, i) => incident(rnd, i + 1));
        const links = new Map(open.map((i) => [i.id, `https://boomcard.slack.com/archives/C0INCIDENT/p17640648000${i.id}`]));
        c.view('home', homeView(open, policy, at, links));
        const list = incidentListText(open, policy, at);
        c.messageText('list', list);
        expect(list).toMatch(/…and \d+ more/);
      }, 5),
    ).toEqual([]);
  });

  it('help, checklists (75-character items full of < and &), action and health cards, reminders, pages, on-call', () => {
    expect(
      check((c, rnd, run) => {
        for (const root of ['incident', 'dr', 'oncall']) c.message(`help ${root}`, helpBlocks(root, commands.filter((d) => d.path[0] === root) as never));
        const inc = incident(rnd, run + 1, { status: 'resolved', resolvedAt: at, resolvedBy: 'U0IC00001', resolution: adversarial(rnd, 3_000) });
        const items: ChecklistItem[] = Array.from({ length: 23 }, (_, i) => ({
          itemId: `item-${i}`,
          text: fill(i % 2 ? '<&' : '💥a', 75),
          probe: i % 3 ? null : 'health_urls',
          checkedBy: i % 2 ? 'dr-bot' : i % 5 ? 'U0DBA0001' : null,
          checkedAt: i % 5 ? at : null,
          evidence: adversarial(rnd, 500),
        }));
        c.message('checklist', checklistMessage(inc, items));
        c.message('checklist closed', checklistMessage({ ...inc, status: 'closed', closedAt: at, closedBy: 'U0IC00001', closeReason: adversarial(rnd, 3_000) }, items));

        const action: CardAction = {
          id: run + 1, kind: 'failover-db', target: 'database', status: run % 2 ? 'proposed' : 'failed', destructive: true,
          plan: { title: adversarial(rnd, 300), target: adversarial(rnd, 200), summary: adversarial(rnd, 3_000), facts: Array.from({ length: 12 }, () => [adversarial(rnd, 80), adversarial(rnd, 400)] as [string, string]), warnings: [adversarial(rnd, 1_000), adversarial(rnd, 1_000)], data: {} },
          steps: Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, title: adversarial(rnd, 150), status: i === 3 ? ('failed' as const) : ('ok' as const), ms: 1_234, detail: adversarial(rnd, 600), error: adversarial(rnd, 2_000) })),
          requestedBy: 'U0IC00001', expiresAt: at, approvedBy: 'U0DBA0001', startedAt: at, finishedAt: at, endedBy: null, error: adversarial(rnd, 3_000),
        };
        c.message('action', actionCard(action, { incidentRef: 'INC-1', needsSecondPerson: true, approvers: ['Incident Commander', 'Database Administrator'] }));
        c.message('action dry run', actionCard(action, { incidentRef: 'INC-1', needsSecondPerson: false, approvers: [], dryRun: true }));
        const results = Array.from({ length: 14 }, () => ({ name: adversarial(rnd, 100), ok: rnd() < 0.5, ms: 42, detail: adversarial(rnd, 1_000), error: adversarial(rnd, 2_000) }));
        c.message('health', healthCard(results, { totalMs: 812, at }));
        c.message('integrity', checkReport(adversarial(rnd, 200), results, { totalMs: 812, at, note: adversarial(rnd, 500) }));
        c.message('reminder', reminderMessage(inc, policy, { seq: 2, silentMs: 3_600_000, cadenceMs: 1_800_000, people: ['U0IC00001'], escalateTo: '<@U0DBA0001> <!subteam^S0CORE>', permalink: 'https://boomcard.slack.com/archives/C0INCIDENT/p1' }));
        const lines = [{ id: 1, forWhom: adversarial(rnd, 100), tier: 2, message: adversarial(rnd, 3_000), pagedBy: 'U0IC00001' }, { id: 2, forWhom: 'DBA team', tier: 0, message: adversarial(rnd, 3_000) }];
        c.message('page dm', pageDm(inc, policy, lines, 'https://boomcard.slack.com/archives/C0INCIDENT/p1'));
        c.message('page dm closed', pageDmClosed(inc, policy, lines, { ackedBy: 'U0DBA0001', ackedAt: at }));
        const item = { forWhom: adversarial(rnd, 100), user: 'U0DBA0001', via: ['PagerDuty', 'Slack'] };
        c.messageText('paging line', pagingLine(inc, policy, { items: [item, item], already: [adversarial(rnd, 100)], ackTimeoutMs: 300_000, by: 'U0IC00001', message: adversarial(rnd, 3_000) }));
        c.messageText('mention line', mentionLine(inc, policy, '<@U0DBA0001> <!subteam^S0CORE>'));
        c.messageText('escalation line', escalationLine(inc, { forWhom: adversarial(rnd, 100), was: ['U0DBA0001'], afterMs: 300_000, tier: 2, to: item }));
        c.messageText('failure line', failureLine({ provider: 'PagerDuty', action: 'trigger', forWhom: adversarial(rnd, 100), error: adversarial(rnd, 3_000), reachedBy: ['Slack'] }));
        c.messageText('ack line', ackLine('U0DBA0001', [{ forWhom: adversarial(rnd, 100), ackMs: 5_000 }]));
        const teams = policy.teams as Record<string, PagingTeam>;
        c.message('oncall', onCallBlocks(Object.entries(teams).map(([id, t]) => ({ id, team: { ...t, name: adversarial(rnd, 100) }, now: { primary: 'U0DBA0001', secondary: 'U0IC00001', source: 'rotation' as const, until: at, nextHandover: { at, to: 'U0INF0001' } } }))));
      }, 6),
    ).toEqual([]);
  });
});
