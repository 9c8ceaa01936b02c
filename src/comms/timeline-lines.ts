import { formatDuration } from '../core/duration.js';
import { measureText, type RecoveryMeasure } from '../core/recovery-measures.js';
import type { LevelNumber } from '../core/levels.js';
import type { Policy } from '../policy.js';
import type { TimelineEntry } from '../store/timeline.js';

/** Postmortem sections a timeline row belongs to, besides the full timeline. */
export type Section = 'levels' | 'roles' | 'updates' | 'pages' | 'actions' | 'comms' | 'checklist' | 'other';

const who = (id: string) => (id === 'dr-bot' ? 'the bot' : `@${id}`);
const oneLine = (s: unknown) => String(s ?? '').replace(/\s+/g, ' ').trim();
const short = (s: unknown, n = 160) => {
  const t = oneLine(s);
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** One timeline row in words, and the section it feeds. Unknown kinds are kept, never dropped. */
export function describeEntry(e: TimelineEntry, policy: Policy): { text: string; section: Section } {
  const d = e.data as Record<string, any>;
  const lvl = (n: number) => `L${n} ${policy.levels[n as LevelNumber]?.name ?? ''}`.trim();
  const role = (r: string) => policy.roles[r]?.name ?? r;
  switch (e.kind) {
    case 'declared':
      return { section: 'levels', text: `Declared ${lvl(d.level)}${d.drill ? ' (drill)' : ''} by ${who(e.actor)}: "${short(d.title)}"; Incident Commander ${who(d.commander)}` };
    case 'level_changed':
      return { section: 'levels', text: `${d.to < d.from ? 'Escalated' : 'De-escalated'} from ${lvl(d.from)} to ${lvl(d.to)} by ${who(e.actor)}` };
    case 'role_assigned':
      return { section: 'roles', text: `${who(d.user)} became ${role(d.role)}${d.previous ? ` (from ${who(d.previous)})` : ''}, by ${who(e.actor)}` };
    case 'update':
      return { section: 'updates', text: `Update by ${who(e.actor)} [${d.status}]: ${short(d.text, 400)}` };
    case 'status_changed':
      return { section: 'updates', text: `Status ${d.from} → ${d.to}` };
    case 'resolved':
      return { section: 'levels', text: `Resolved by ${who(e.actor)}${d.summary ? `: ${short(d.summary, 400)}` : ''}` };
    case 'closed':
      return { section: 'checklist', text: `Closed by ${who(e.actor)}${d.reason ? ` with the reason: ${short(d.reason)}` : ' (checklist complete)'}` };
    case 'reminder':
      return { section: 'updates', text: `Reminder #${d.seq} for a status update${d.escalated ? ', escalated to the channel' : ''}` };
    case 'reminder_cadence':
      return { section: 'updates', text: `Reminder cadence set to ${d.everyMs ? formatDuration(d.everyMs) : 'off'} by ${who(e.actor)}` };
    case 'comms_prepared':
      return { section: 'comms', text: `${short(d.template)} message prepared by ${who(e.actor)}` };
    case 'statuspage_reviewed':
      return { section: 'comms', text: `Status page text reviewed and published by ${who(e.actor)} (${short(d.status)})` };
    case 'checklist_ticked':
      return { section: 'checklist', text: `Checklist "${short(d.item)}" ticked by ${who(e.actor)}${d.evidence ? ` (${short(d.evidence)})` : ''}` };
    case 'checklist_unticked':
      return { section: 'checklist', text: `Checklist "${short(d.item)}" unticked by ${who(e.actor)}` };
    case 'followup_added':
      return { section: 'other', text: `Follow-up F${d.followUp} added by ${who(e.actor)}: ${short(d.text)}${d.owner ? ` (owner ${who(d.owner)})` : ''}${d.due ? `, due ${d.due}` : ''}` };
    case 'page_acknowledged':
      if (d.via) return { section: 'pages', text: `Page acknowledged in ${d.via === 'pagerduty' ? 'PagerDuty' : 'Opsgenie'} by ${short(d.name ?? e.actor)} for ${short((d.targets ?? []).join(', '))}` };
      return { section: 'pages', text: `${e.kind.replace(/_/g, ' ')} — ${who(e.actor)} ${short(JSON.stringify(d), 200)}` };
    case 'provider_alert_resolved':
    case 'provider_unacknowledged':
    case 'provider_reassigned':
    case 'provider_escalated':
    case 'provider_note': {
      const what = { provider_alert_resolved: 'resolved the alert', provider_unacknowledged: 'took back the acknowledgement', provider_reassigned: 'reassigned the alert', provider_escalated: 'escalated the alert', provider_note: 'added a note' }[e.kind];
      return { section: 'pages', text: `${d.provider === 'pagerduty' ? 'PagerDuty' : 'Opsgenie'}: ${short(d.name ?? e.actor)} ${what}${d.to ? ` to ${short(d.to)}` : ''}${d.note ? `: ${short(d.note)}` : ''}` };
    }
    case 'refused':
    case 'action_refused':
      return { section: e.kind === 'refused' ? 'other' : 'actions', text: `Refused ${short(d.command ?? d.kind ?? 'a request')} for ${who(e.actor)}: ${short(d.reason)}` };
    case 'recovery_measured':
      return { section: 'actions', text: `Measured after ${d.kind ?? 'action'} #${d.action}: ${measureText(measureOf(d))}`.replace(/:white_check_mark:/g, '(met)').replace(/:x:/g, '(missed)') };
    case 'recovery_probes_failing':
      return { section: 'actions', text: `Health probes still failing 1 h after action #${d.action}: ${short((d.failing ?? []).join(', '))}; no RTO recorded` };
    default:
      if (e.kind.startsWith('action_')) return { section: 'actions', text: actionText(e, d) };
      if (e.kind.startsWith('page')) return { section: 'pages', text: `${e.kind.replace(/_/g, ' ')} — ${who(e.actor)} ${short(JSON.stringify(d), 200)}` };
      return { section: 'other', text: `${e.kind.replace(/_/g, ' ')} by ${who(e.actor)} ${short(JSON.stringify(d), 200)}` };
  }
}

const fingerprintText = (f: Record<string, unknown>): string => Object.entries(f).map(([k, v]) => `${k}=${String(v)}`).join(', ');

function actionText(e: TimelineEntry, d: Record<string, any>): string {
  const name = `${d.kind ?? 'action'} #${d.action ?? '?'}`;
  switch (e.kind) {
    case 'action_requested':
      return `${name} requested by ${who(e.actor)}${d.target ? ` on ${short(d.target)}` : ''}${d.summary ? `: ${short(d.summary)}` : ''}`;
    case 'action_approved':
      return `${name} confirmed by ${who(e.actor)}${d.requestedBy ? ` (requested by ${who(d.requestedBy)})` : ''}${d.fingerprint ? `, bound to ${short(fingerprintText(d.fingerprint), 160)}` : ''}`;
    case 'action_replanned':
      return `${name} void at Confirm: the facts changed (${short((d.changes ?? []).join('; '), 200)}); fresh plan #${d.replacedBy}`;
    case 'action_step':
      return `${name} step "${short(d.title ?? d.step)}" ${d.status === 'ok' ? 'done' : 'FAILED'} in ${formatDuration(Number(d.ms ?? 0))}${d.error ? `: ${short(d.error)}` : ''}`;
    case 'action_succeeded':
      return `${name} succeeded in ${formatDuration(Number(d.ms ?? 0))}`;
    case 'action_failed':
      return `${name} failed at "${short(d.step)}": ${short(d.error)}`;
    default:
      return `${name} ${e.kind.slice('action_'.length).replace(/_/g, ' ')}${e.actor !== 'dr-bot' ? ` by ${who(e.actor)}` : ''}`;
  }
}

/** A `recovery_measured` row's data as a measure (for its words). */
export const measureOf = (d: Record<string, any>): RecoveryMeasure => ({
  actionId: Number(d.action),
  kind: d.measure,
  source: d.source,
  valueMs: Number(d.valueMs),
  lagBytes: d.lagBytes ?? null,
  restorePoint: d.restorePoint ? new Date(d.restorePoint) : null,
  objectiveMs: d.objectiveMs ?? null,
  measuredAt: new Date(0),
});
