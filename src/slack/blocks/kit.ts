/** Tiny Block Kit constructors, so builders read like the card they draw. Types stay loose on purpose: the emulator validates. */
export type Block = Record<string, unknown>;

export const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
export const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });

export const header = (text: string): Block => ({ type: 'header', text: plain(text) });
export const section = (text: string, extra: Block = {}): Block => ({ type: 'section', text: mrkdwn(text), ...extra });
export const fields = (items: string[]): Block => ({ type: 'section', fields: items.map(mrkdwn) });
export const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.map(mrkdwn) });
export const divider = (): Block => ({ type: 'divider' });
export const actions = (blockId: string, elements: Block[]): Block => ({ type: 'actions', block_id: blockId, elements });

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger', confirm?: Block): Block {
  return { type: 'button', text: plain(text), action_id: actionId, value, ...(style && { style }), ...(confirm && { confirm }) };
}

export const option = (text: string, value: string) => ({ text: plain(text), value });

/** An input block; its element's action_id is the block id, so every action_id in a view is unique. */
export function input(blockId: string, label: string, element: Block, o: { optional?: boolean; hint?: string } = {}): Block {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element: { ...element, action_id: blockId },
    ...(o.optional && { optional: true }),
    ...(o.hint && { hint: plain(o.hint) }),
  };
}

export function modal(callbackId: string, title: string, submit: string, blocks: Block[], privateMetadata: unknown): Block {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title),
    submit: plain(submit),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(privateMetadata),
    blocks,
  };
}
