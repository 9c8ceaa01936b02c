/**
 * What our incident looks like on the public status page (Statuspage v1 incident fields), as a pure
 * function of the incident: its name, status, impact and the mapped components' statuses. The fingerprint
 * says whether anything changed since the last publish.
 */
import { createHash } from 'node:crypto';
import { isOpen, type Incident } from './incident.js';
import type { LevelNumber } from './levels.js';

export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage';
export type PageIncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export interface PageIncident {
  name: string;
  status: PageIncidentStatus;
  body: string;
  impact_override: 'none' | 'minor' | 'major' | 'critical';
  component_ids: string[];
  components: Record<string, ComponentStatus>;
}

const COMPONENT: Record<LevelNumber, ComponentStatus> = { 1: 'major_outage', 2: 'partial_outage', 3: 'degraded_performance', 4: 'degraded_performance' };
const IMPACT: Record<LevelNumber, PageIncident['impact_override']> = { 1: 'critical', 2: 'major', 3: 'minor', 4: 'none' };

export function pageIncident(inc: Incident, components: Record<string, string>, body: string): PageIncident {
  const resolved = !isOpen(inc.status);
  const ids = inc.services.map((s) => components[s]).filter((c): c is string => Boolean(c));
  return {
    // The public name: our title only (no internal ids or levels).
    name: inc.title,
    status: isOpen(inc.status) ? inc.status : 'resolved',
    body,
    impact_override: IMPACT[inc.level],
    component_ids: ids,
    components: Object.fromEntries(ids.map((id) => [id, resolved ? 'operational' : COMPONENT[inc.level]])),
  };
}

export const fingerprint = (p: PageIncident): string => createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 32);

/**
 * The text a person reviewed in the status-page template's form, as Statuspage takes an incident body: plain
 * text (Statuspage escapes it itself, so no Slack or HTML entities), without the template's Markdown marks —
 * headings and bold lose their marks, the component ticks become words — and no control characters.
 */
export function plainBody(draft: string): string {
  return draft
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .split('\n')
    .map((l) =>
      l
        .replace(/^#{1,6}\s+/, '')
        .replace(/^(\s*)- \[[xX]\] (.*)$/, '$1- $2: affected')
        .replace(/^(\s*)- \[ \] (.*)$/, '$1- $2: operational')
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .trimEnd(),
    )
    .join('\n')
    .trim();
}

/** The public text: fixed wording per status (nothing internal — no updates, names or levels — leaks out). */
export function publicBody(status: PageIncidentStatus, serviceNames: string[]): string {
  const what = serviceNames.length ? serviceNames.join(', ') : 'some of our services';
  switch (status) {
    case 'investigating':
      return `We are investigating a problem affecting ${what}. We will post an update as soon as we know more.`;
    case 'identified':
      return `We have identified the cause of the problem affecting ${what} and are working on a fix.`;
    case 'monitoring':
      return `A fix for the problem affecting ${what} is in place and we are monitoring the results.`;
    case 'resolved':
      return `This incident has been resolved; ${what} ${serviceNames.length === 1 ? 'is' : 'are'} operating normally.`;
  }
}
