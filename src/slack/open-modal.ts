import type { WebClient } from '@slack/web-api';
import { UserError } from '../core/errors.js';
import { modal, section, type Block } from './blocks/kit.js';

/**
 * Card buttons open modals. The trigger id dies after 3 s, so the modal opens at once with a placeholder
 * and is filled with `views.update` once the incident has been read.
 */
export async function openThenFill(slack: WebClient, triggerId: string, fill: () => Promise<Block>): Promise<void> {
  const opened = await slack.views.open({ trigger_id: triggerId, view: modal('loading', 'Incident', 'OK', [section(':hourglass_flowing_sand: Loading…')], {}) as never });
  let view: Block;
  try {
    view = await fill();
  } catch (err) {
    const text = err instanceof UserError ? `:warning: ${err.message}` : ':boom: Could not load the incident.';
    await slack.views.update({ view_id: opened.view!.id!, view: { type: 'modal', title: { type: 'plain_text', text: 'Incident' }, close: { type: 'plain_text', text: 'Close' }, blocks: [section(text)] } as never });
    if (err instanceof UserError) return;
    throw err;
  }
  await slack.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash, view: view as never });
}
