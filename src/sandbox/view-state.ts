/**
 * Turns what a test says the user picked (`{block_id: 'text' | 'option-value' | ['a','b'] | 'U123'}`)
 * into Slack's typed `state.values` and `actions[]` entries, so the bot parses exactly what Slack sends.
 */
import type { Block } from './types.js';
import { elementsOf, optionsOf, textOf } from './block-walk.js';

const NOT_STATEFUL = new Set(['button', 'overflow', 'workflow_button', 'image']);

/** Element type → [field in state, field holding the initial value, is multi]. */
const SELECTION: Record<string, [string, string, 'one' | 'many']> = {
  users_select: ['selected_user', 'initial_user', 'one'],
  multi_users_select: ['selected_users', 'initial_users', 'many'],
  conversations_select: ['selected_conversation', 'initial_conversation', 'one'],
  multi_conversations_select: ['selected_conversations', 'initial_conversations', 'many'],
  channels_select: ['selected_channel', 'initial_channel', 'one'],
  multi_channels_select: ['selected_channels', 'initial_channels', 'many'],
  datepicker: ['selected_date', 'initial_date', 'one'],
  timepicker: ['selected_time', 'initial_time', 'one'],
  datetimepicker: ['selected_date_time', 'initial_date_time', 'one'],
};
const ONE_OPTION = new Set(['static_select', 'external_select', 'radio_buttons', 'overflow']);
const MANY_OPTIONS = new Set(['multi_static_select', 'multi_external_select', 'checkboxes']);

function option(element: Block, given: unknown): Block {
  const value = typeof given === 'object' && given !== null ? (given as Block).value : given;
  const found = optionsOf(element).find((o) => o.value === value);
  if (found) return structuredClone(found);
  // External selects get options from the bot at runtime; anything the test names is plausible.
  if (element.type.includes('external')) return { text: { type: 'plain_text', text: String(value) }, value };
  const known = optionsOf(element).map((o) => o.value).join(', ');
  throw new Error(`option "${String(value)}" is not in ${element.type} "${element.action_id}" (options: ${known})`);
}

/** Slack's state entry for one element; `given` undefined means "the user left it as shown". */
export function elementState(element: Block, given: unknown): Record<string, unknown> {
  const type: string = element.type;
  if (ONE_OPTION.has(type)) {
    const picked = given !== undefined && given !== null ? option(element, given) : (element.initial_option ?? null);
    return { type, selected_option: picked };
  }
  if (MANY_OPTIONS.has(type)) {
    const list = given !== undefined ? (Array.isArray(given) ? given : [given]).map((g) => option(element, g)) : (element.initial_options ?? []);
    return { type, selected_options: list };
  }
  const sel = SELECTION[type];
  if (sel) {
    const [field, initial, arity] = sel;
    const value = given !== undefined ? given : element[initial];
    return { type, [field]: arity === 'many' ? (value === undefined ? [] : Array.isArray(value) ? value : [value]) : (value ?? null) };
  }
  if (type === 'rich_text_input') return { type, rich_text_value: given ?? element.initial_value ?? null };
  // Text-like inputs: Slack sends null, not '', for an empty field.
  const value = given !== undefined ? given : element.initial_value;
  return { type, value: value === undefined || value === '' ? null : String(value) };
}

function isEmpty(state: Record<string, unknown>): boolean {
  const v = Object.entries(state).find(([k]) => k !== 'type')?.[1];
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

/**
 * Builds `state.values` for a view from what the test says the user entered; elements the test does
 * not mention show their initial value (or Slack's empty value). Unknown block_ids throw.
 */
export function buildViewState(blocks: Block[], values: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
  const stateful = elementsOf(blocks).filter(({ element }) => element && !NOT_STATEFUL.has(element.type));
  const known = new Set(stateful.map(({ block }) => block.block_id as string));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) throw new Error(`values has unknown block_id "${key}"; the view's input blocks are: ${[...known].join(', ') || '(none)'}`);
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const { block, element } of stateful) {
    const siblings = stateful.filter((s) => s.block === block).length;
    let given = values[block.block_id];
    // Several elements in one actions block: the test addresses them as {action_id: value}.
    if (siblings > 1 && given && typeof given === 'object' && !Array.isArray(given)) given = (given as Block)[element.action_id];
    else if (siblings > 1 && given !== undefined) given = undefined;
    (out[block.block_id] ??= {})[element.action_id] = elementState(element, given);
  }
  return out;
}

/**
 * The first required input left empty, as a message; Slack's client would not let the user submit
 * such a view, so the driver refuses too rather than send the bot something Slack never sends.
 */
export function missingRequired(blocks: Block[], values: Record<string, Record<string, Record<string, unknown>>>): string | undefined {
  for (const { block, element } of elementsOf(blocks)) {
    if (block.type !== 'input' || block.optional) continue;
    const st = values[block.block_id]?.[element.action_id];
    if (!st || isEmpty(st)) return `input "${textOf(block.label)}" (block_id ${block.block_id}) is required; Slack would not let the user submit it empty`;
  }
  return undefined;
}

export interface Selection {
  value?: string;
  selectedOption?: string | { text?: unknown; value: string };
  selectedOptions?: Array<string | { value: string }>;
  selectedUser?: string;
  selectedUsers?: string[];
  selectedDate?: string;
}

/** One `actions[]` entry of a block_actions payload, shaped per element type like Slack's. */
export function actionEntry(block: Block, element: Block, sel: Selection): Record<string, unknown> {
  const base: Record<string, unknown> = { action_id: element.action_id, block_id: block.block_id, type: element.type, action_ts: `${(Date.now() / 1000).toFixed(6)}` };
  if (element.type === 'button' || element.type === 'workflow_button') {
    return { ...base, text: element.text, value: element.value, ...(element.style ? { style: element.style } : {}) };
  }
  let given: unknown;
  if (ONE_OPTION.has(element.type)) given = sel.selectedOption ?? sel.value;
  else if (MANY_OPTIONS.has(element.type)) given = sel.selectedOptions;
  else if (element.type.includes('users')) given = element.type.startsWith('multi') ? sel.selectedUsers : sel.selectedUser;
  else if (element.type.includes('picker')) given = sel.selectedDate ?? sel.value;
  else given = sel.value;
  const st = elementState(element, given);
  return { ...base, ...st, ...(element.placeholder ? { placeholder: element.placeholder } : {}) };
}
