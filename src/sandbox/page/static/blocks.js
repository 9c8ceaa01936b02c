// Block Kit → DOM, for messages and modals: header, section (text, fields, accessory), context,
// divider, actions, input, image, and the interactive elements the bot uses. What a person does with
// an element goes to `ctx.act` (a block_actions payload) or, inside a modal's input, to `ctx.setValue`.
import { h } from './dom.js';
import { renderMrkdwn, renderPlain, renderText, textOf } from './mrkdwn.js';

const STATE_FIELDS = ['value', 'selected_date', 'selected_time', 'selected_date_time', 'selected_user', 'selected_conversation', 'selected_channel'];

/** What an element shows before anyone touches it. */
export function initialValue(el) {
  if (el.initial_option) return el.initial_option.value;
  if (el.initial_options) return el.initial_options.map((o) => o.value);
  for (const k of ['initial_value', 'initial_user', 'initial_date', 'initial_time', 'initial_conversation', 'initial_channel']) if (el[k] !== undefined) return el[k];
  for (const k of ['initial_users', 'initial_conversations', 'initial_channels']) if (el[k] !== undefined) return el[k];
  return undefined;
}

/** A view's `state.values` entry (Slack's typed shape) → the plain value the controls use. */
export function stateValue(st) {
  if (!st) return undefined;
  if ('selected_option' in st) return st.selected_option?.value;
  if ('selected_options' in st) return (st.selected_options ?? []).map((o) => o.value);
  for (const k of ['selected_users', 'selected_conversations', 'selected_channels']) if (k in st) return st[k] ?? [];
  for (const k of STATE_FIELDS) if (k in st) return st[k] ?? undefined;
  return undefined;
}

export function optionsOf(el) {
  if (el.options) return el.options;
  if (el.option_groups) return el.option_groups.flatMap((g) => g.options ?? []);
  return [];
}

export function renderBlocks(blocks, ctx) {
  return h('div', { class: 'blocks' }, (blocks ?? []).map((b) => renderBlock(b, ctx)));
}

function renderBlock(b, ctx) {
  const data = { dataset: { blockId: b.block_id ?? '', blockType: b.type } };
  switch (b.type) {
    case 'header':
      return h('div', { class: 'b-header', ...data }, renderPlain(textOf(b.text), b.text?.emoji !== false));
    case 'section':
      return h(
        'div',
        { class: 'b-section', ...data },
        h(
          'div',
          { class: 'b-section-main' },
          b.text ? h('div', { class: 'b-text' }, renderText(b.text, ctx)) : null,
          b.fields ? h('div', { class: 'b-fields' }, b.fields.map((f) => h('div', { class: 'b-field' }, renderText(f, ctx)))) : null,
        ),
        b.accessory ? h('div', { class: 'b-accessory' }, element(b.accessory, b, ctx)) : null,
      );
    case 'divider':
      return h('hr', { class: 'b-divider', ...data });
    case 'context':
      return h('div', { class: 'b-context', ...data }, (b.elements ?? []).map((e) => (e.type === 'image' ? imageAlt(e) : h('span', { class: 'b-context-item' }, renderText(e, ctx)))));
    case 'actions':
      return h('div', { class: 'b-actions', ...data }, (b.elements ?? []).map((e) => element(e, b, ctx)));
    case 'input':
      return inputBlock(b, ctx, data);
    case 'image':
      return h('figure', { class: 'b-image', ...data }, b.title ? h('figcaption', {}, renderPlain(textOf(b.title))) : null, imageAlt(b));
    case 'markdown':
      return h('div', { class: 'b-text', ...data }, renderMrkdwn(b.text ?? '', ctx));
    case 'rich_text':
      return h('div', { class: 'b-text', ...data }, richText(b));
    default:
      return h('div', { class: 'b-unknown', ...data }, `[${b.type} block]`);
  }
}

/** Images are not fetched (nothing here leaves this machine); their alt text stands in. */
function imageAlt(e) {
  return h('span', { class: 'b-image-alt', title: e.image_url ?? '' }, `🖼 ${e.alt_text ?? 'image'}`);
}

function richText(b) {
  const words = [];
  const walk = (n) => {
    if (!n) return;
    if (n.type === 'text') words.push(n.text);
    else if (n.type === 'link') words.push(n.text ?? n.url);
    else if (n.type === 'user') words.push(`@${n.user_id}`);
    else if (n.type === 'emoji') words.push(`:${n.name}:`);
    (n.elements ?? []).forEach(walk);
  };
  walk(b);
  return renderPlain(words.join(''));
}

function inputBlock(b, ctx, data) {
  const error = ctx.errors?.[b.block_id];
  const id = `in-${b.block_id}`;
  return h(
    'div',
    { class: `b-input${error ? ' has-error' : ''}`, ...data },
    h('label', { class: 'b-label', for: id }, renderPlain(textOf(b.label)), b.optional ? h('span', { class: 'optional' }, ' (optional)') : null),
    element(b.element, b, ctx, id),
    b.hint ? h('div', { class: 'b-hint' }, renderPlain(textOf(b.hint))) : null,
    error ? h('div', { class: 'b-error', role: 'alert' }, error) : null,
  );
}

/** One interactive element; in an input block its value is kept, elsewhere a change is an action. */
function element(el, block, ctx, id) {
  const inInput = block.type === 'input';
  const current = ctx.value ? ctx.value(block, el) : initialValue(el);
  const changed = (value, payload) => {
    ctx.setValue?.(block, el, value);
    if (!inInput || block.dispatch_action) ctx.act({ actionId: el.action_id, blockId: block.block_id, ...payload }, el.confirm);
  };
  const common = { id, dataset: { actionId: el.action_id ?? '' }, name: id };
  switch (el.type) {
    case 'button':
    case 'workflow_button':
      return h(
        'button',
        {
          type: 'button',
          class: `btn${el.style ? ` btn-${el.style}` : ''}`,
          ...common,
          onclick: () => {
            if (el.url && /^https?:\/\//i.test(el.url)) window.open(el.url, '_blank', 'noopener');
            ctx.act({ actionId: el.action_id, blockId: block.block_id, value: el.value }, el.confirm);
          },
        },
        renderPlain(textOf(el.text), el.text?.emoji !== false),
      );
    case 'static_select':
    case 'external_select':
      return select(el, common, current, false, (v) => changed(v, { selectedOption: v }));
    case 'multi_static_select':
    case 'multi_external_select':
      return select(el, common, current ?? [], true, (v) => changed(v, { selectedOptions: v }));
    case 'users_select':
    case 'multi_users_select': {
      const multi = el.type.startsWith('multi');
      const options = (ctx.people ?? []).map((p) => ({ value: p.id, text: { type: 'plain_text', text: `${p.real_name} (@${p.name})` } }));
      return select({ ...el, options }, common, current ?? (multi ? [] : undefined), multi, (v) => changed(v, multi ? { selectedUsers: v } : { selectedUser: v }));
    }
    case 'conversations_select':
    case 'channels_select':
    case 'multi_conversations_select':
    case 'multi_channels_select': {
      const multi = el.type.startsWith('multi');
      const options = (ctx.channels ?? []).filter((c) => !c.is_im).map((c) => ({ value: c.id, text: { type: 'plain_text', text: `#${c.name}` } }));
      return select({ ...el, options }, common, current ?? (multi ? [] : undefined), multi, (v) => changed(v, { value: v }));
    }
    case 'checkboxes':
    case 'radio_buttons':
      return choices(el, common, current, ctx, (v) => changed(v, el.type === 'checkboxes' ? { selectedOptions: v } : { selectedOption: v }));
    case 'overflow':
      return overflow(el, (v) => changed(v, { selectedOption: v }));
    case 'datepicker':
    case 'timepicker':
    case 'datetimepicker': {
      const type = { datepicker: 'date', timepicker: 'time', datetimepicker: 'datetime-local' }[el.type];
      return h('input', { ...common, type, class: 'control', value: current ?? '', onchange: (e) => changed(e.target.value, { selectedDate: e.target.value }) });
    }
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return textInput(el, common, current, (v) => ctx.setValue?.(block, el, v));
    case 'image':
      return imageAlt(el);
    default:
      return h('span', { class: 'b-unknown' }, `[${el.type}]`);
  }
}

function textInput(el, common, current, set) {
  const attrs = {
    ...common,
    class: 'control',
    placeholder: textOf(el.placeholder) || undefined,
    maxlength: el.max_length ? String(el.max_length) : undefined,
    minlength: el.min_length ? String(el.min_length) : undefined,
    oninput: (e) => set(e.target.value),
  };
  const type = { email_text_input: 'email', url_text_input: 'url', number_input: 'number' }[el.type] ?? 'text';
  const node = el.multiline ? h('textarea', { ...attrs, rows: '4' }) : h('input', { ...attrs, type });
  // The property, not the attribute: a textarea has no value attribute, so what was typed (or the
  // initial value) would vanish whenever the modal is drawn again (a Preview, a field error).
  node.value = current ?? '';
  return node;
}

function select(el, common, current, multi, onPick) {
  const picked = new Set(multi ? current : current === undefined ? [] : [current]);
  const option = (o) => h('option', { value: o.value, selected: picked.has(o.value) }, textOf(o.text));
  const groups = el.option_groups
    ? el.option_groups.map((g) => h('optgroup', { label: textOf(g.label) }, (g.options ?? []).map(option)))
    : (el.options ?? []).map(option);
  const placeholder = multi ? null : h('option', { value: '', disabled: true, selected: picked.size === 0 }, textOf(el.placeholder) || 'Select an item');
  const size = multi ? String(Math.min(6, Math.max(2, optionsOf(el).length))) : undefined;
  return h(
    'select',
    {
      ...common,
      class: 'control',
      multiple: multi,
      size,
      onchange: (e) => onPick(multi ? [...e.target.selectedOptions].map((o) => o.value) : e.target.value),
    },
    placeholder,
    groups,
  );
}

function choices(el, common, current, ctx, onPick) {
  const multi = el.type === 'checkboxes';
  const picked = new Set(multi ? (current ?? []) : current === undefined ? [] : [current]);
  const box = h('div', { class: 'choices', dataset: common.dataset, role: multi ? 'group' : 'radiogroup' });
  const read = () => [...box.querySelectorAll('input')].filter((i) => i.checked).map((i) => i.value);
  (el.options ?? []).forEach((o, i) => {
    const inputId = `${common.id ?? el.action_id}-${i}`;
    box.append(
      h(
        'label',
        { class: 'choice', for: inputId },
        h('input', { id: inputId, type: multi ? 'checkbox' : 'radio', name: common.id ?? el.action_id, value: o.value, checked: picked.has(o.value), onchange: () => onPick(multi ? read() : read()[0]) }),
        h('span', { class: 'choice-text' }, renderText(o.text, ctx), o.description ? h('span', { class: 'choice-description' }, renderText(o.description, ctx)) : null),
      ),
    );
  });
  return box;
}

function overflow(el, onPick) {
  const menu = h('div', { class: 'overflow-menu', hidden: true });
  for (const o of el.options ?? []) {
    menu.append(
      h('button', { type: 'button', class: 'overflow-item', onclick: () => ((menu.hidden = true), onPick(o.value)) }, renderPlain(textOf(o.text))),
    );
  }
  return h(
    'div',
    { class: 'overflow', dataset: { actionId: el.action_id ?? '' } },
    h('button', { type: 'button', class: 'btn btn-overflow', 'aria-label': 'More actions', onclick: () => (menu.hidden = !menu.hidden) }, '⋯'),
    menu,
  );
}
