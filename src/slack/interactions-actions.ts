import type { App } from '@slack/bolt';
import { ACTION_APPROVER, REQUESTER } from '../core/authz.js';
import { INCIDENT_COMMANDER } from '../core/roles.js';
import { defineInteraction } from './authorize.js';
import type { ActionEngine } from '../runbooks/engine.js';
import { ACTION_BUTTONS } from './blocks/action-card.js';

/**
 * Confirm: a holder of the approver roles stored with the request (and allowed now: the stricter of both),
 * never the requester alone where the two-person rule applies. Cancel: the requester or an Incident Commander.
 * The engine decides both on the action's row; the button's value only says which row.
 */
export const ACTION_INTERACTIONS = [
  defineInteraction({ kind: 'button', id: ACTION_BUTTONS.confirm, name: 'Confirm (recovery plan card)', allowedRoles: [ACTION_APPROVER] }),
  defineInteraction({ kind: 'button', id: ACTION_BUTTONS.cancel, name: 'Cancel (recovery plan card)', allowedRoles: [REQUESTER, INCIDENT_COMMANDER] }),
];

/**
 * Confirm / Cancel on a plan card (button value = action id). Ack first; the engine decides, and a refusal
 * is thrown as a typed error so the one error path answers the clicker privately.
 */
export function registerActionButtons(app: App, engine: ActionEngine): void {
  app.action(ACTION_BUTTONS.confirm, async ({ ack, body, action }) => {
    await ack();
    await engine.confirm(Number((action as { value?: string }).value), body.user.id);
  });
  app.action(ACTION_BUTTONS.cancel, async ({ ack, body, action }) => {
    await ack();
    await engine.cancel(Number((action as { value?: string }).value), body.user.id);
  });
}
