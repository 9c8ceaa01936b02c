/**
 * Tiny Block Kit constructors, so builders read like the card they draw. Every text goes through the
 * slack-text table on the way in: builders fit people's text themselves (escape, cut, say where the rest
 * is); the constructors guarantee that nothing the bot adds can push a block past Slack's documented limit.
 */
import { cutMrkdwn, cutPlain, SLACK_LIMITS as L } from '../../core/slack-text.js';

export type Block = Record<string, unknown>;

export const mrkdwn = (text: string, max: number = L.textObject) => ({ type: 'mrkdwn', text: cutMrkdwn(text, max) });
export const plain = (text: string, max: number = L.textObject) => ({ type: 'plain_text', text: cutPlain(text, max), emoji: true });

export const header = (text: string): Block => ({ type: 'header', text: plain(text, L.headerText) });
export const section = (text: string, extra: Block = {}): Block => ({ type: 'section', text: mrkdwn(text, L.sectionText), ...extra });
export const fields = (items: string[]): Block => ({ type: 'section', fields: items.slice(0, L.sectionFields).map((t) => mrkdwn(t, L.fieldText)) });
export const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.slice(0, L.contextElements).map((t) => mrkdwn(t)) });
/** Lines packed into as few sections as hold them (3,000 characters each), never splitting a line. */
export function sections(lines: string[], max: number = L.sectionText): Block[] {
  const out: Block[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk && chunk.length + 1 + line.length > max) {
      out.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) out.push(section(chunk));
  return out;
}
export const divider = (): Block => ({ type: 'divider' });
export const actions = (blockId: string, elements: Block[]): Block => ({ type: 'actions', block_id: blockId, elements: elements.slice(0, L.actionsElements) });

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger', confirm?: Block): Block {
  return { type: 'button', text: plain(text, L.buttonText), action_id: actionId, value, ...(style && { style }), ...(confirm && { confirm }) };
}

/** A confirmation dialog; `text` is mrkdwn the caller escaped. */
export function confirmDialog(title: string, text: string, confirm: string, deny: string): Block {
  return { title: plain(title, L.confirmTitle), text: mrkdwn(text, L.confirmText), confirm: plain(confirm, L.confirmButton), deny: plain(deny, L.confirmButton) };
}

export const option = (text: string, value: string) => ({ text: plain(text, L.optionText), value });

/** A checkbox option in mrkdwn (escaped by the caller), with an optional plain description. */
export const mrkdwnOption = (text: string, value: string, description?: string) => ({
  text: mrkdwn(text, L.optionText),
  value,
  ...(description && { description: plain(description, L.optionDescription) }),
});

/** An input block; its element's action_id is the block id, so every action_id in a view is unique. */
export function input(blockId: string, label: string, element: Block, o: { optional?: boolean; hint?: string } = {}): Block {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label, L.inputLabel),
    element: { ...element, action_id: blockId },
    ...(o.optional && { optional: true }),
    ...(o.hint && { hint: plain(o.hint, L.inputHint) }),
  };
}

export function modal(callbackId: string, title: string, submit: string, blocks: Block[], privateMetadata: unknown): Block {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, L.viewTitle),
    submit: plain(submit, L.viewButton),
    close: plain('Cancel', L.viewButton),
    private_metadata: JSON.stringify(privateMetadata),
    blocks,
  };
}
