import { incidentRef, OPEN_STATUSES, statusLabel, TEXT_MAX, TITLE_MAX, type Incident } from '../../core/incident.js';
import { LEVEL_NUMBERS, levelLabel } from '../../core/levels.js';
import { truncate } from '../../core/mrkdwn.js';
import { fitUserText } from '../../core/slack-text.js';
import type { Policy } from '../../policy.js';
import { responseTime } from './incident-card.js';
import { context, input, modal, option, type Block } from './kit.js';

export const VIEWS = {
  declare: 'incident_declare',
  update: 'incident_update',
  assign: 'incident_assign',
  resolve: 'incident_resolve',
} as const;

/** What every incident modal carries in private_metadata: where to answer, and which incident. */
export interface ModalMeta {
  channel: string;
  incident?: number;
}

const levelOption = (n: (typeof LEVEL_NUMBERS)[number], p: Policy) =>
  option(truncate(`${levelLabel(n, p.levels[n])} — ${responseTime(p.levels[n].respondWithinMs).toLowerCase()}, ${p.levels[n].escalation}`, 75), String(n));

export function declareModal(policy: Policy, o: { channel: string; user: string; title?: string }): Block {
  const titleInput: Block = { type: 'plain_text_input', action_id: 'value', max_length: TITLE_MAX, placeholder: { type: 'plain_text', text: 'Payments failing at checkout' } };
  if (o.title) titleInput.initial_value = truncate(o.title, TITLE_MAX);
  const blocks: Block[] = [
    input('level', 'Level', { type: 'static_select', action_id: 'value', options: LEVEL_NUMBERS.map((n) => levelOption(n, policy)) }),
    input('title', 'Title', titleInput),
    input(
      'services',
      'Affected services',
      { type: 'multi_static_select', action_id: 'value', options: policy.services.map((s) => option(truncate(s.name, 75), s.id)) },
      { optional: true },
    ),
    input('description', 'What is happening', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: TEXT_MAX }, { optional: true }),
    input('commander', 'Incident Commander', { type: 'users_select', action_id: 'value', initial_user: o.user }, { hint: 'You, unless you hand it to someone now.' }),
    input(
      'drill',
      'Drill',
      { type: 'checkboxes', action_id: 'value', options: [option('This is a drill (nobody is paged outside Slack)', 'drill')] },
      { optional: true },
    ),
  ];
  return modal(VIEWS.declare, 'Declare an incident', 'Declare', blocks, { channel: o.channel } satisfies ModalMeta);
}

export function updateModal(inc: Incident, channel: string): Block {
  const current = inc.status === 'resolved' || inc.status === 'closed' ? 'monitoring' : inc.status;
  return modal(
    VIEWS.update,
    'Post an update',
    'Post',
    [
      context(`*${incidentRef(inc.id)}* · ${fitUserText(inc.title, 200)}`),
      input('status', 'Status', {
        type: 'static_select',
        action_id: 'value',
        options: OPEN_STATUSES.map((s) => option(statusLabel(s), s)),
        initial_option: option(statusLabel(current), current),
      }),
      input('text', 'Update', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: TEXT_MAX }),
    ],
    { channel, incident: inc.id } satisfies ModalMeta,
  );
}

export function assignModal(inc: Incident, policy: Policy, channel: string): Block {
  return modal(
    VIEWS.assign,
    'Assign a role',
    'Assign',
    [
      context(`*${incidentRef(inc.id)}* · ${fitUserText(inc.title, 200)}`),
      input('role', 'Role', { type: 'static_select', action_id: 'value', options: Object.entries(policy.roles).map(([id, r]) => option(truncate(r.name, 75), id)) }),
      input('user', 'Person', { type: 'users_select', action_id: 'value' }),
    ],
    { channel, incident: inc.id } satisfies ModalMeta,
  );
}

export function resolveModal(inc: Incident, channel: string): Block {
  return modal(
    VIEWS.resolve,
    `Resolve ${incidentRef(inc.id)}`,
    'Resolve',
    [
      context(`*${incidentRef(inc.id)}* · ${fitUserText(inc.title, 200)}`),
      input('summary', 'What fixed it', { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: TEXT_MAX }, { optional: true }),
    ],
    { channel, incident: inc.id } satisfies ModalMeta,
  );
}
