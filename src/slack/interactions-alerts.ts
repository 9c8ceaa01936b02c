import type { App } from '@slack/bolt';
import { ANY_ROLE } from '../core/authz.js';
import type { AlertIntake } from '../alerts/service.js';
import { defineInteraction } from './authorize.js';
import { ALERT_ACTIONS } from './blocks/alert-proposal.js';

/**
 * An alert's proposal is declared or dismissed on a monitoring system's word, not a person's: Declare pages
 * at the mapped level and Dismiss hides a possible outage, so both need someone the policy gives a role.
 */
export const ALERT_INTERACTIONS = [
  defineInteraction({ kind: 'button', id: ALERT_ACTIONS.declare, name: 'Declare (alert proposal)', allowedRoles: [ANY_ROLE] }),
  defineInteraction({ kind: 'button', id: ALERT_ACTIONS.dismiss, name: 'Dismiss (alert proposal)', allowedRoles: [ANY_ROLE] }),
];

/** Ack first; the store's conditional update decides; a losing click's "already declared by…" is a UserError. */
export function registerAlertInteractions(app: App, alerts: AlertIntake): void {
  app.action(ALERT_ACTIONS.declare, async ({ ack, body, action }) => {
    await ack();
    await alerts.declare(Number((action as { value?: string }).value), body.user.id);
  });
  app.action(ALERT_ACTIONS.dismiss, async ({ ack, body, action }) => {
    await ack();
    await alerts.dismiss(Number((action as { value?: string }).value), body.user.id);
  });
}
