import type { App } from '@slack/bolt';
import type { ActionEngine } from '../runbooks/engine.js';
import { ACTION_BUTTONS } from './blocks/action-card.js';

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
