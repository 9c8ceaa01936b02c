/**
 * Who a level reaches and how, as pure functions of the policy: L1–L2 page (PagerDuty, Opsgenie, Slack
 * DM), L3–L4 only mention in the thread; drills never leave Slack. And what a provider is told.
 */
import { incidentRef, type Incident } from '../core/incident.js';
import { levelLabel, type LevelNumber, type LevelPolicy } from '../core/levels.js';
import type { PageEvent, Priority, Provider, Severity } from './port.js';
import type { PagingTeam } from './schema.js';

export interface LevelReach {
  /** Teams whose on-call is paged. */
  page: string[];
  /** Teams mentioned in the thread instead. */
  mention: string[];
}

/** The level's `notify` teams (`all-teams` = every team), paged when the level pages, else mentioned. */
export function levelReach(level: LevelPolicy, teams: Record<string, unknown>): LevelReach {
  const ids = level.notify.includes('all-teams') ? Object.keys(teams) : level.notify.filter((t) => Object.hasOwn(teams, t));
  return level.page ? { page: ids, mention: [] } : { page: [], mention: ids };
}

/** The provider routes of a team; a drill has none, since drills never leave Slack. */
export function routesOf(team: PagingTeam | undefined, drill: boolean): Array<{ provider: Provider; route: string }> {
  if (!team || drill) return [];
  const out: Array<{ provider: Provider; route: string }> = [];
  if (team.pagerduty) out.push({ provider: 'pagerduty', route: team.pagerduty.routingKeyEnv });
  if (team.opsgenie) out.push({ provider: 'opsgenie', route: team.opsgenie.apiKeyEnv });
  return out;
}

/** Per incident and group (team or person); the management tier is an alert of its own. */
export function dedupKey(incidentId: number, target: string, tier: number): string {
  return `drbot-${incidentRef(incidentId)}-${target}${tier >= 2 ? '-management' : ''}`.slice(0, 255);
}

const SEVERITY: Record<LevelNumber, Severity> = { 1: 'critical', 2: 'error', 3: 'warning', 4: 'info' };
const PRIORITY: Record<LevelNumber, Priority> = { 1: 'P1', 2: 'P2', 3: 'P3', 4: 'P4' };

export interface EventFacts {
  inc: Incident;
  level: LevelPolicy;
  /** Who the page is for, as people read it: "DBA team". */
  forWhom: string;
  tier: number;
  message?: string | null;
  link?: string;
  serviceNames: string[];
}

/** The trigger as providers show it: summary first, the details a responder needs, the Slack card link. */
export function triggerEvent(f: EventFacts, dedup: string): PageEvent {
  const { inc } = f;
  const lvl = levelLabel(inc.level, f.level);
  const tierNote = f.tier === 1 ? ' (secondary: on-call did not acknowledge)' : f.tier >= 2 ? ` (escalated: ${f.forWhom} did not acknowledge)` : '';
  return {
    action: 'trigger',
    dedupKey: dedup,
    summary: `${incidentRef(inc.id)} ${lvl}: ${inc.title}${tierNote}`,
    description: [inc.description, f.message && `Message: ${f.message}`].filter(Boolean).join('\n\n') || undefined,
    severity: SEVERITY[inc.level],
    priority: PRIORITY[inc.level],
    // PagerDuty's `source` is the affected system: the incident's services (policy ids), most critical first.
    source: inc.services.length > 0 ? inc.services.join(', ') : 'BOOM Card (no service named)',
    team: f.forWhom,
    details: {
      incident: incidentRef(inc.id),
      level: lvl,
      title: inc.title,
      services: f.serviceNames.join(', ') || 'not set',
      declared_by: inc.declaredBy,
      incident_commander: inc.roles.incident_commander ?? 'unassigned',
      paged_for: f.forWhom,
      tier: ['on call', 'secondary', 'management'][f.tier] ?? String(f.tier),
      ...(f.message ? { message: f.message } : {}),
      ...(f.link ? { slack_card: f.link } : {}),
    },
    link: f.link,
    tags: ['dr-bot', incidentRef(inc.id), `L${inc.level}`],
  };
}

export function followUpEvent(action: 'acknowledge' | 'resolve', dedup: string, note: string): PageEvent {
  return { action, dedupKey: dedup, summary: note, severity: 'info', priority: 'P5', source: 'BOOM Card DR bot', details: {}, note };
}

/** `dba`, `DBA`, `DBA team`, `dba-team` → `dba`; unknown → undefined. */
export function resolveTeam(text: string, teams: Record<string, { name: string }>): string | undefined {
  const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, ' ').replace(/ team$/, '');
  const key = norm(text);
  return Object.entries(teams).find(([id, t]) => norm(id) === key || norm(t.name) === key)?.[0];
}

export const teamList = (teams: Record<string, unknown>): string => Object.keys(teams).join(', ') || 'none';
