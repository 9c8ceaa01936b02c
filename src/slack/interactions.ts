import type { App } from '@slack/bolt';
import { ANY_ROLE, EVERYONE } from '../core/authz.js';
import { INCIDENT_COMMANDER } from '../core/roles.js';
import { defineInteraction } from './authorize.js';
import { UserError } from '../core/errors.js';
import { checkServices, checkText, checkTitle } from '../core/incident-input.js';
import { isOpen, parseStatus, type Incident } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';
import { CARD_ACTIONS } from './blocks/incident-card.js';
import type { Block } from './blocks/kit.js';
import { openThenFill } from './open-modal.js';
import { chooseCommander } from '../incidents/commander.js';
import { assignModal, resolveModal, updateModal, VIEWS, type ModalMeta } from './blocks/modals.js';
import type { Deps } from './context.js';
import { collect, optionOf, optionsOf, stateOf, textOf, userOf } from './view-values.js';

async function openIncident(deps: Deps, value: string | undefined): Promise<Incident> {
  const inc = value ? await deps.store.incidents.get(Number(value)) : undefined;
  if (!inc) throw new UserError('That incident no longer exists.');
  if (!isOpen(inc.status)) throw new UserError(`INC-${inc.id} is already ${inc.status}.`);
  return inc;
}

/** The incident card's buttons and the incident forms, with who may use each (the gate in authorize.ts checks). */
export const INCIDENT_INTERACTIONS = [
  defineInteraction({ kind: 'button', id: CARD_ACTIONS.postUpdate, name: 'Post update (incident card)', allowedRoles: [ANY_ROLE] }),
  defineInteraction({ kind: 'button', id: CARD_ACTIONS.assignRole, name: 'Assign role (incident card)', allowedRoles: [INCIDENT_COMMANDER] }),
  defineInteraction({ kind: 'button', id: CARD_ACTIONS.resolve, name: 'Resolve (incident card)', allowedRoles: [INCIDENT_COMMANDER] }),
  defineInteraction({ kind: 'form', id: VIEWS.declare, name: 'Declare form', allowedRoles: [EVERYONE] }),
  defineInteraction({ kind: 'form', id: VIEWS.update, name: 'Post update form', allowedRoles: [ANY_ROLE] }),
  defineInteraction({ kind: 'form', id: VIEWS.assign, name: 'Assign role form', allowedRoles: [INCIDENT_COMMANDER] }),
  defineInteraction({ kind: 'form', id: VIEWS.resolve, name: 'Resolve form', allowedRoles: [INCIDENT_COMMANDER] }),
];

export function registerInteractions(app: App, deps: Deps): void {
  const buttons: Array<[string, (inc: Incident, channel: string) => Block]> = [
    [CARD_ACTIONS.postUpdate, (inc, ch) => updateModal(inc, ch)],
    [CARD_ACTIONS.assignRole, (inc, ch) => assignModal(inc, deps.policy, ch)],
    [CARD_ACTIONS.resolve, (inc, ch) => resolveModal(inc, ch)],
  ];
  for (const [actionId, build] of buttons) {
    app.action(actionId, async ({ ack, body, action }) => {
      await ack();
      const channel = (body as { channel?: { id: string } }).channel?.id ?? '';
      const value = (action as { value?: string }).value;
      await openThenFill(deps.slack, (body as { trigger_id: string }).trigger_id, async () => build(await openIncident(deps, value), channel));
    });
  }

  app.view(VIEWS.declare, async ({ ack, view, body }) => {
    const s = stateOf(view);
    const errors: Record<string, string> = {};
    const level = Number(optionOf(s, 'level')) as LevelNumber;
    if (![1, 2, 3, 4].includes(level)) errors.level = 'Choose a level.';
    const title = collect(errors, 'title', () => checkTitle(textOf(s, 'title')));
    const services = collect(errors, 'services', () => checkServices(optionsOf(s, 'services'), deps.policy.services));
    const description = collect(errors, 'description', () => (textOf(s, 'description').trim() ? checkText(textOf(s, 'description'), 'The description') : ''));
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: 'errors', errors }));
    await ack();
    const { commander } = await chooseCommander(deps.policy, deps.paging.oncall, userOf(s, 'commander') ?? body.user.id);
    const drill = optionsOf(s, 'drill').includes('drill');
    // The view id makes a double submit (or Slack's retry) declare once.
    await deps.incidents.declare({ level, title: title!, services: services!, description: description!, drill, commander }, body.user.id, `view:${view.id}`);
  });

  app.view(VIEWS.update, async ({ ack, view, body }) => {
    const s = stateOf(view);
    const errors: Record<string, string> = {};
    const text = collect(errors, 'text', () => checkText(textOf(s, 'text')));
    const status = parseStatus(optionOf(s, 'status') ?? '');
    if (!status) errors.status = 'Choose a status.';
    const incident = incidentOf(view);
    if (incident === undefined) errors.text = LOST_INCIDENT;
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: 'errors', errors }));
    await ack();
    await deps.incidents.update(incident!, { text: text!, status }, body.user.id, `view:${view.id}`);
  });

  app.view(VIEWS.assign, async ({ ack, view, body }) => {
    const s = stateOf(view);
    const role = optionOf(s, 'role');
    const user = userOf(s, 'user');
    const errors: Record<string, string> = {};
    if (!role || !Object.hasOwn(deps.policy.roles, role)) errors.role = 'Choose a role.';
    if (!user) errors.user = 'Choose a person.';
    const incident = incidentOf(view);
    if (incident === undefined) errors.role = LOST_INCIDENT;
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: 'errors', errors }));
    await ack();
    await deps.incidents.assign(incident!, role!, user!, body.user.id, `view:${view.id}`);
  });

  app.view(VIEWS.resolve, async ({ ack, view, body }) => {
    const s = stateOf(view);
    const errors: Record<string, string> = {};
    const summary = collect(errors, 'summary', () => (textOf(s, 'summary').trim() ? checkText(textOf(s, 'summary'), 'The summary') : ''));
    const incident = incidentOf(view);
    if (incident === undefined) errors.summary = LOST_INCIDENT;
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: 'errors', errors }));
    await ack();
    await deps.incidents.resolve(incident!, summary!, body.user.id, `view:${view.id}`);
  });
}

const LOST_INCIDENT = 'This form no longer says which incident it is for. Close it and use the card\'s button again.';

/** The incident a form was opened for, from its private_metadata; undefined when missing or not an id. */
function incidentOf(view: { private_metadata?: string }): number | undefined {
  const id = meta(view).incident;
  return Number.isSafeInteger(id) && id! > 0 ? id : undefined;
}

export function meta(view: { private_metadata?: string }): ModalMeta {
  try {
    const m: unknown = JSON.parse(view.private_metadata || '{}');
    return m && typeof m === 'object' ? (m as ModalMeta) : { channel: '' };
  } catch {
    return { channel: '' };
  }
}
