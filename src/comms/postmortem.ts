import { formatDuration } from '../core/duration.js';
import { incidentRef, statusLabel, type Incident } from '../core/incident.js';
import { levelLabel } from '../core/levels.js';
import { milestones } from '../core/objectives.js';
import { measureDuration } from '../core/recovery-measures.js';
import { measureOf } from './timeline-lines.js';
import type { Policy } from '../policy.js';
import type { ChecklistItem } from '../store/checklist.js';
import type { TimelineEntry } from '../store/timeline.js';
import { describeEntry, type Section } from './timeline-lines.js';

const utc = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
const since = (ms: number) => (ms < 1000 ? '0 s' : formatDuration(ms));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const SECTIONS: Array<[Section, string]> = [
  ['levels', 'Declaration, level changes and resolution'],
  ['roles', 'Roles'],
  ['pages', 'Pages and acknowledgements'],
  ['actions', 'Recovery actions'],
  ['updates', 'Status updates and reminders'],
  ['comms', 'Communications'],
  ['checklist', 'Post-recovery checklist'],
  ['other', 'Other'],
];

/** The postmortem draft: every timeline row in order, grouped again by subject, and times against the objectives. */
export interface PageRecord {
  target: string;
  userId: string | null;
  tier: number;
  reason: string;
  createdAt: Date;
  status: string;
  ackedBy: string | null;
  ackMs: number | null;
  deliveries: Array<{ provider: string; action: string; status: string; lastError: string | null }>;
}

export function postmortemMarkdown(inc: Incident, timeline: TimelineEntry[], checklist: ChecklistItem[], policy: Policy, now: Date, pages: PageRecord[] = []): string {
  const level = policy.levels[inc.level];
  const end = inc.resolvedAt ?? now;
  const out: string[] = [
    `# Postmortem draft — ${incidentRef(inc.id)}: ${inc.title}`,
    '',
    `- **Level**: ${levelLabel(inc.level, level)} — response ${level.respondWithinMs ? `within ${formatDuration(level.respondWithinMs)}` : 'immediate'}; escalation: ${level.escalation}${inc.drill ? ' · **DRILL**' : ''}`,
    `- **Status**: ${statusLabel(inc.status)}`,
    `- **Declared**: ${utc(inc.declaredAt)} by @${inc.declaredBy}`,
    `- **Resolved**: ${inc.resolvedAt ? `${utc(inc.resolvedAt)} by @${inc.resolvedBy}` : 'not yet'} · **Duration**: ${formatDuration(end.getTime() - inc.declaredAt.getTime())}`,
    `- **Services**: ${inc.services.map((id) => policy.services.find((s) => s.id === id)?.name ?? id).join(', ') || 'not set'}`,
    '',
    '## Summary',
    '',
    inc.description || '_(no description given)_',
    '',
    `**Resolution**: ${inc.resolution || '_(none given)_'}`,
    '',
    '## Times against the objectives',
    '',
    '| milestone | took | objective | met |',
    '|---|---|---|---|',
    ...milestones(inc, level, now).map(
      (m) => `| ${m.label} | ${m.tookMs !== undefined ? formatDuration(m.tookMs) : 'not yet'} | ${m.objectiveMs !== undefined ? formatDuration(m.objectiveMs) : '–'} | ${m.met === true ? 'yes' : m.met === false ? '**no**' : '–'} |`,
    ),
    // RPO/RTO as the recoveries measured them (not only as targeted).
    ...timeline.filter((e) => e.kind === 'recovery_measured').map((e) => {
      const m = measureOf(e.data as Record<string, any>);
      const label = m.kind === 'rpo' ? `RPO measured (${m.source.replace('_', ' ')})` : 'RTO measured (declaration → probes passing)';
      return `| ${label} | ${measureDuration(m.valueMs)} | ${m.objectiveMs !== null ? formatDuration(m.objectiveMs) : '–'} | ${m.objectiveMs === null ? '–' : m.valueMs <= m.objectiveMs ? 'yes' : '**no**'} |`;
    }),
    '',
    '## Roles at the end',
    '',
    ...Object.entries(inc.roles).map(([r, u]) => `- ${policy.roles[r]?.name ?? r}: @${u}`),
    '',
    '## Timeline',
    '',
    '| time (UTC) | since declared | what |',
    '|---|---|---|',
  ];
  const described = timeline.map((e) => ({ e, ...describeEntry(e, policy) }));
  for (const { e, text } of described) {
    out.push(`| ${utc(e.at).slice(11, 19)} | ${since(e.at.getTime() - inc.declaredAt.getTime())} | ${cell(text)} |`);
  }
  for (const [section, title] of SECTIONS) {
    const rows = described.filter((x) => x.section === section);
    if (section === 'pages' && pages.length) {
      out.push('', `## ${title}`, '', '| paged at (UTC) | who | tier | why | acknowledged | providers |', '|---|---|---|---|---|---|');
      for (const p of pages) {
        const providers = p.deliveries.filter((d) => d.action === 'trigger').map((d) => `${d.provider} ${d.status}${d.lastError ? ` (${d.lastError})` : ''}`).join(', ') || 'Slack only';
        const ack = p.ackedBy ? `@${p.ackedBy} after ${since(p.ackMs ?? 0)}` : p.status === 'resolved' ? 'no (resolved)' : 'no';
        out.push(`| ${utc(p.createdAt).slice(11, 19)} | ${cell(`${p.target}${p.userId ? ` → @${p.userId}` : ''}`)} | ${p.tier} | ${p.reason} | ${cell(ack)} | ${cell(providers)} |`);
      }
      for (const r of rows) out.push(`- ${utc(r.e.at).slice(11, 19)} (+${since(r.e.at.getTime() - inc.declaredAt.getTime())}) ${r.text}`);
      continue;
    }
    if (section === 'checklist' && checklist.length) {
      out.push('', `## ${title}`, '');
      for (const i of checklist) out.push(`- [${i.checkedAt ? 'x' : ' '}] ${i.text}${i.checkedBy ? ` — ${i.checkedBy === 'dr-bot' ? i.evidence ?? 'probe' : `@${i.checkedBy}`}` : i.evidence ? ` — ${i.evidence}` : ''}`);
      continue;
    }
    if (rows.length === 0) continue;
    out.push('', `## ${title}`, '');
    for (const r of rows) out.push(`- ${utc(r.e.at).slice(11, 19)} (+${since(r.e.at.getTime() - inc.declaredAt.getTime())}) ${r.text}`);
  }
  out.push('', '## What went well / what to improve / follow-ups', '', '- ', '');
  return out.join('\n');
}
