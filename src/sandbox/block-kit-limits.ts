/**
 * Block Kit limits Slack enforces server-side. A bot that passes here but builds a 51-block message
 * would fail in production with `invalid_blocks`, so the emulator rejects the same things, with
 * Slack's "reason [json-pointer:/blocks/3/text]" style messages.
 */
import type { Block } from './types.js';

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  inputLabel: 2000,
  imageAltText: 2000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

const BLOCK_TYPES = new Set(['section', 'divider', 'image', 'actions', 'context', 'input', 'header', 'file', 'rich_text', 'video', 'markdown', 'call']);
const ELEMENT_TYPES = new Set([
  'button', 'overflow', 'datepicker', 'timepicker', 'datetimepicker', 'image', 'checkboxes', 'radio_buttons',
  'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select',
  'multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select', 'multi_channels_select',
  'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input', 'file_input', 'workflow_button',
]);

type Errors = string[];

function tooLong(errors: Errors, path: string, s: unknown, max: number): void {
  if (typeof s === 'string' && s.length > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${path}]`);
}

function checkText(errors: Errors, path: string, t: unknown, max: number, plainOnly = false): void {
  if (t === undefined) return;
  const obj = t as Block;
  if (!obj || typeof obj !== 'object' || typeof obj.text !== 'string') {
    errors.push(`must provide an object with a text string [json-pointer:${path}]`);
    return;
  }
  if (obj.type !== 'plain_text' && (plainOnly || obj.type !== 'mrkdwn')) {
    errors.push(`must be a valid enum value (${plainOnly ? 'plain_text' : 'plain_text, mrkdwn'}) [json-pointer:${path}/type]`);
  }
  if (obj.text.length === 0) errors.push(`must be more than 0 characters [json-pointer:${path}/text]`);
  tooLong(errors, `${path}/text`, obj.text, max);
}

function checkOptions(errors: Errors, path: string, options: unknown): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) return void errors.push(`must be an array [json-pointer:${path}]`);
  if (options.length > LIMITS.selectOptions) errors.push(`must provide no more than ${LIMITS.selectOptions} items [json-pointer:${path}]`);
  options.forEach((o: Block, i) => {
    checkText(errors, `${path}/${i}/text`, o?.text, LIMITS.optionText);
    tooLong(errors, `${path}/${i}/value`, o?.value, LIMITS.optionValue);
  });
}

/** Validates one interactive element; `actionIds` is shared across the whole message or view. */
function checkElement(errors: Errors, path: string, el: Block, actionIds: Set<string>): void {
  if (!el || typeof el !== 'object' || !ELEMENT_TYPES.has(el.type)) {
    errors.push(`must be a valid element type, got ${JSON.stringify(el?.type)} [json-pointer:${path}/type]`);
    return;
  }
  if (typeof el.action_id === 'string') {
    tooLong(errors, `${path}/action_id`, el.action_id, LIMITS.actionId);
    if (actionIds.has(el.action_id)) errors.push(`action_id "${el.action_id}" is already used; action_ids must be unique [json-pointer:${path}/action_id]`);
    actionIds.add(el.action_id);
  }
  if (el.type === 'button' || el.type === 'workflow_button') {
    checkText(errors, `${path}/text`, el.text, LIMITS.buttonText, true);
    tooLong(errors, `${path}/value`, el.value, LIMITS.buttonValue);
    tooLong(errors, `${path}/url`, el.url, LIMITS.url);
  }
  checkText(errors, `${path}/placeholder`, el.placeholder, LIMITS.placeholder, true);
  checkOptions(errors, `${path}/options`, el.options);
  if (el.type === 'overflow' && Array.isArray(el.options) && (el.options.length < 2 || el.options.length > 5)) {
    errors.push(`must provide between 2 and 5 options [json-pointer:${path}/options]`);
  }
  if (el.type === 'image') tooLong(errors, `${path}/alt_text`, el.alt_text, LIMITS.imageAltText);
}

function checkBlock(errors: Errors, path: string, b: Block, blockIds: Set<string>, actionIds: Set<string>): void {
  if (!b || typeof b !== 'object' || !BLOCK_TYPES.has(b.type)) {
    errors.push(`must be a valid block type, got ${JSON.stringify(b?.type)} [json-pointer:${path}/type]`);
    return;
  }
  if (typeof b.block_id === 'string') {
    tooLong(errors, `${path}/block_id`, b.block_id, LIMITS.blockId);
    if (blockIds.has(b.block_id)) errors.push(`block_id "${b.block_id}" is already used; block_ids must be unique [json-pointer:${path}/block_id]`);
    blockIds.add(b.block_id);
  }
  switch (b.type) {
    case 'section':
      if (b.text === undefined && b.fields === undefined) errors.push(`must provide text or fields [json-pointer:${path}]`);
      checkText(errors, `${path}/text`, b.text, LIMITS.sectionText);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields)) errors.push(`must be an array [json-pointer:${path}/fields]`);
        else {
          if (b.fields.length > LIMITS.sectionFields) errors.push(`must provide no more than ${LIMITS.sectionFields} items [json-pointer:${path}/fields]`);
          b.fields.forEach((f: unknown, i: number) => checkText(errors, `${path}/fields/${i}`, f, LIMITS.fieldText));
        }
      }
      if (b.accessory) checkElement(errors, `${path}/accessory`, b.accessory, actionIds);
      break;
    case 'header':
      if (b.text === undefined) errors.push(`must provide text [json-pointer:${path}/text]`);
      checkText(errors, `${path}/text`, b.text, LIMITS.headerText, true);
      break;
    case 'actions':
    case 'context': {
      const max = b.type === 'actions' ? LIMITS.actionsElements : LIMITS.contextElements;
      if (!Array.isArray(b.elements) || b.elements.length === 0) errors.push(`must provide at least 1 element [json-pointer:${path}/elements]`);
      else {
        if (b.elements.length > max) errors.push(`must provide no more than ${max} items [json-pointer:${path}/elements]`);
        if (b.type === 'actions') b.elements.forEach((el: Block, i: number) => checkElement(errors, `${path}/elements/${i}`, el, actionIds));
      }
      break;
    }
    case 'input':
      checkText(errors, `${path}/label`, b.label, LIMITS.inputLabel, true);
      if (!b.label) errors.push(`must provide a label [json-pointer:${path}/label]`);
      if (!b.element) errors.push(`must provide an element [json-pointer:${path}/element]`);
      else checkElement(errors, `${path}/element`, b.element, actionIds);
      break;
    case 'image':
      if (!b.image_url && !b.slack_file) errors.push(`must provide image_url [json-pointer:${path}/image_url]`);
      if (typeof b.alt_text !== 'string') errors.push(`must provide alt_text [json-pointer:${path}/alt_text]`);
      tooLong(errors, `${path}/alt_text`, b.alt_text, LIMITS.imageAltText);
      break;
  }
}

/**
 * Where an action_id must be unique. Slack documents "unique among the action_ids in the containing
 * block"; 'surface' (the default) is stricter — unique across the whole message or view — so a bot
 * that passes here passes Slack and can route every click by action_id alone.
 */
export type ActionIdScope = 'surface' | 'block';

/** Errors for a message's (`max` 50) or a modal's (`max` 100) blocks; empty when valid. */
export function validateBlocks(blocks: unknown, surface: 'message' | 'modal', actionIdScope: ActionIdScope = 'surface'): string[] {
  const errors: Errors = [];
  if (blocks === undefined) return errors;
  if (!Array.isArray(blocks)) return [`must be an array [json-pointer:/blocks]`];
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.modalBlocks;
  if (blocks.length > max) errors.push(`must provide no more than ${max} items [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((b: Block, i) => checkBlock(errors, `/blocks/${i}`, b, blockIds, actionIdScope === 'block' ? new Set() : actionIds));
  return errors;
}

/** View-level problems (Slack answers these with invalid_arguments, not invalid_blocks). */
export function validateViewFields(view: Block): string[] {
  const errors: Errors = [];
  if (view.type !== 'modal') errors.push(`must be a valid enum value (modal) [json-pointer:/view/type]`);
  if (!view.title) errors.push(`must provide a title [json-pointer:/view/title]`);
  checkText(errors, '/view/title', view.title, LIMITS.modalTitle, true);
  checkText(errors, '/view/submit', view.submit, LIMITS.modalButton, true);
  checkText(errors, '/view/close', view.close, LIMITS.modalButton, true);
  tooLong(errors, '/view/private_metadata', view.private_metadata, LIMITS.privateMetadata);
  tooLong(errors, '/view/callback_id', view.callback_id, LIMITS.callbackId);
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: Block) => b?.type === 'input');
  if (hasInput && !view.submit) errors.push(`must provide submit when blocks contain input blocks [json-pointer:/view/submit]`);
  return errors;
}
