import type { App } from '@slack/bolt';
import { inIncident, PAGED_PERSON } from '../core/authz.js';
import { INCIDENT_COMMANDER } from '../core/roles.js';
import { defineInteraction } from './authorize.js';
import { UserError } from '../core/errors.js';
import type { Paging } from '../paging/service.js';
import { PAGE_ACK_ACTION } from './blocks/page.js';

/** Only the person paged, or this incident's Incident Commander on their behalf (recorded as such). */
export const PAGE_ACK = defineInteraction({ kind: 'button', id: PAGE_ACK_ACTION, name: 'Acknowledge (page DM)', allowedRoles: [PAGED_PERSON, inIncident(INCIDENT_COMMANDER)] });

/**
 * The Acknowledge button of a page DM. Ack first (Slack waits 3 s at most); the store's conditional
 * update decides who acknowledged; a loser's or a late click's answer ("already acknowledged by…",
 * "already resolved") is thrown as a UserError and shown to them by the app's error handler.
 */
export function registerPagingInteractions(app: App, deps: { paging: Paging }): void {
  app.action(PAGE_ACK_ACTION, async ({ ack, body, action }) => {
    await ack();
    const ids = String((action as { value?: string }).value ?? '')
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    if (ids.length === 0) throw new UserError('This button does not name a page.');
    await deps.paging.acknowledge(ids, body.user.id, PAGE_ACK.allowedRoles);
  });
}
