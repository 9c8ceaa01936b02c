import type { App } from '@slack/bolt';
import { ANY_ROLE } from '../core/authz.js';
import { defineInteraction } from './authorize.js';
import type { Checklist } from '../incidents/checklist.js';
import { CHECKLIST_ACTION } from './blocks/checklist.js';

export const CHECKLIST_INTERACTION = defineInteraction({ kind: 'checkboxes', id: CHECKLIST_ACTION, name: 'Checklist ticks (resolved incident)', allowedRoles: [ANY_ROLE] });

/** A checkbox click on a checklist: Slack sends the element's whole selection; the service diffs it. */
export function registerChecklist(app: App, checklist: Checklist): void {
  app.action(CHECKLIST_ACTION, async ({ ack, body, action }) => {
    await ack();
    const a = action as { block_id: string; selected_options?: Array<{ value: string }> };
    const incidentId = Number(/^checklist_(\d+)_\d+$/.exec(a.block_id)?.[1]);
    const blocks = ((body as { message?: { blocks?: Array<{ block_id?: string; elements?: Array<{ options?: Array<{ value: string }> }> }> } }).message?.blocks ?? []);
    const element = blocks.find((b) => b.block_id === a.block_id)?.elements?.[0];
    const items = (element?.options ?? []).map((o) => o.value);
    await checklist.toggle(incidentId, items, (a.selected_options ?? []).map((o) => o.value), (body as { user: { id: string } }).user.id);
  });
}
