import { formatDuration } from '../core/duration.js';
import { incidentRef, type Incident } from '../core/incident.js';
import type { Policy } from '../policy.js';
import type { TemplateFields, TemplateName } from './schemas.js';

/** The comms form's inputs: what a person edits before a draft is rendered. All text, like Slack inputs. */
export interface CommsForm {
  description: string;
  status: string;
  services: string[];
  expected: string;
  impact: string;
  workarounds: string;
  title: string;
  update: string;
  next: string;
}

export const CUSTOMER_STATUSES = ['Investigating', 'Partially Resolved', 'Monitoring', 'Resolved'] as const;
export const PAGE_STATUSES = ['Investigating', 'Identified', 'Monitoring', 'Resolved'] as const;

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Pre-fills the form from the incident, so the comms coordinator edits rather than types. */
export function formFromIncident(template: TemplateName, inc: Incident, cadenceMs: number): CommsForm {
  const open = inc.status !== 'resolved' && inc.status !== 'closed';
  const status =
    template === 'customer'
      ? { investigating: 'Investigating', identified: 'Investigating', monitoring: 'Monitoring' }[inc.status as string] ?? 'Resolved'
      : open ? title(inc.status) : 'Resolved';
  return {
    description: (inc.description || inc.title).replace(/\.$/, ''),
    status,
    services: inc.services,
    expected: '',
    impact: '',
    workarounds: '',
    title: inc.title,
    update: inc.lastUpdateText ?? inc.description ?? '',
    next: cadenceMs > 0 ? String(Math.round(cadenceMs / 60_000)) : '30',
  };
}

const lines = (s: string) => s.split('\n').map((l) => l.replace(/^\s*[-•*]\s*/, '').trim()).filter(Boolean);
const fmt = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** Turns the form into the template's fields; the template's schema then says what is missing. */
export function fieldsFromForm(template: TemplateName, f: CommsForm, inc: Incident, policy: Policy, now: Date): TemplateFields<TemplateName> {
  const names = f.services.map((id) => policy.services.find((s) => s.id === id)?.name ?? id);
  const contacts = policy.contacts;
  switch (template) {
    case 'customer':
      return { description: f.description, status: f.status as never, affectedServices: names, expectedResolution: f.expected, contacts: { support: contacts.support ?? '' } };
    case 'partner':
      return { affectedServices: names, impact: lines(f.impact), workarounds: lines(f.workarounds), expectedResolution: f.expected, contacts: { partners: contacts.partners ?? '', partnersPhone: contacts.partnersPhone ?? '' } };
    case 'status-page':
      return {
        title: f.title,
        status: f.status as never,
        severity: policy.levels[inc.level].name as never,
        started: fmt(inc.declaredAt),
        updatedAt: fmt(now).slice(11),
        update: f.update,
        components: policy.services.map((s) => ({ name: s.name, affected: f.services.includes(s.id) })),
        nextUpdateMinutes: Number(f.next),
      };
    case 'internal-update':
      return {
        ref: incidentRef(inc.id),
        level: inc.level,
        levelName: policy.levels[inc.level].name,
        title: f.title,
        status: f.status,
        openFor: formatDuration(now.getTime() - inc.declaredAt.getTime()),
        commander: inc.roles.incident_commander ? `@${inc.roles.incident_commander}` : 'unassigned',
        update: f.update,
        nextUpdateMinutes: Number(f.next),
      };
  }
}

/** Which inputs each template's form shows, and where a schema path's error belongs in the form. */
export const FORM_INPUTS: Record<TemplateName, Array<keyof CommsForm>> = {
  customer: ['description', 'status', 'services', 'expected'],
  partner: ['services', 'impact', 'workarounds', 'expected'],
  'status-page': ['title', 'status', 'services', 'update', 'next'],
  'internal-update': ['title', 'status', 'update', 'next'],
};

/** The labels people see on the form's inputs: error text names these, never the schema's field names. */
export const INPUT_LABELS: Record<keyof CommsForm, string> = {
  description: 'What customers are experiencing',
  status: 'Current status',
  services: 'Affected services',
  expected: 'Expected resolution',
  impact: 'Impact on partners',
  workarounds: 'Temporary workarounds',
  title: 'Title',
  update: 'Current status and actions',
  next: 'Next update in (minutes)',
};

export const FIELD_TO_INPUT: Record<string, keyof CommsForm> = {
  description: 'description',
  status: 'status',
  affectedServices: 'services',
  components: 'services',
  expectedResolution: 'expected',
  impact: 'impact',
  workarounds: 'workarounds',
  title: 'title',
  update: 'update',
  nextUpdateMinutes: 'next',
};
