// Modals (views) and confirm dialogs. A modal keeps what the person typed in `drafts` (per view, kept
// by the page across live refreshes) and submits it like Slack: the values of its inputs, required
// ones checked first; the bot's answer (`response_action: errors`) comes back on the view as `errors`.
import { h, replace } from './dom.js';
import { renderBlocks, initialValue, stateValue } from './blocks.js';
import { renderPlain, renderText, textOf } from './mrkdwn.js';

const key = (block, el) => `${block.block_id}/${el.action_id}`;
const isEmpty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const STATELESS = new Set(['button', 'workflow_button', 'overflow', 'image']);

/** The current value of an element of a view: typed here, else kept by Slack, else its initial value. */
export function viewValue(view, drafts, block, el) {
  const k = key(block, el);
  if (drafts.has(k)) return drafts.get(k);
  const st = view.state?.values?.[block.block_id]?.[el.action_id];
  const v = stateValue(st);
  return v !== undefined ? v : initialValue(el);
}

/** What the driver's `values` wants: {block_id: value}, or {block_id: {action_id: value}} for several. */
export function draftValues(view, drafts) {
  const out = {};
  for (const b of view.blocks ?? []) {
    const els = (b.type === 'input' ? [b.element] : b.type === 'actions' ? b.elements : []).filter((e) => e && !STATELESS.has(e.type));
    const touched = els.filter((e) => drafts.has(key(b, e)));
    if (touched.length === 0) continue;
    out[b.block_id] = els.length === 1 ? drafts.get(key(b, touched[0])) : Object.fromEntries(touched.map((e) => [e.action_id, drafts.get(key(b, e))]));
  }
  return out;
}

/**
 * o: { view, drafts: Map, ctx (users, channels, people), act(payload, confirm), submit(values) → {ok, error},
 *      close() }
 */
export function renderModal(o) {
  const { view, drafts } = o;
  const local = {};
  const body = h('div', { class: 'modal-body' });
  const problem = h('div', { class: 'modal-problem', role: 'alert' });
  const ctx = {
    ...o.ctx,
    surface: 'modal',
    value: (block, el) => viewValue(view, drafts, block, el),
    setValue: (block, el, v) => {
      drafts.set(key(block, el), v);
      if (local[block.block_id]) delete local[block.block_id];
    },
    act: (payload, confirm) => o.act({ ...payload, viewId: view.id, values: draftValues(view, drafts) }, confirm),
  };
  const draw = () => {
    replace(body, renderBlocks(view.blocks, { ...ctx, errors: { ...(view.errors ?? {}), ...local } }));
  };
  draw();

  const submitButton = view.submit
    ? h('button', { type: 'submit', class: 'btn btn-primary submit' }, renderPlain(textOf(view.submit)))
    : null;
  const onSubmit = async (e) => {
    e.preventDefault();
    if (!submitButton || submitButton.disabled) return;
    for (const b of view.blocks ?? []) {
      if (b.type === 'input' && !b.optional && b.element && isEmpty(viewValue(view, drafts, b, b.element))) local[b.block_id] = 'Please complete this required field.';
    }
    if (Object.keys(local).length > 0) return draw();
    submitButton.disabled = true;
    problem.textContent = '';
    const r = await o.submit(draftValues(view, drafts));
    submitButton.disabled = false;
    if (!r.ok) problem.textContent = `We had some trouble connecting. Try again? (${r.error ?? `HTTP ${r.status}`})`;
  };

  const closeText = view.close ? textOf(view.close) : 'Cancel';
  const dialog = h(
    'form',
    { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': textOf(view.title), dataset: { viewId: view.id, callbackId: view.callback_id ?? '' }, onsubmit: onSubmit },
    h(
      'header',
      { class: 'modal-header' },
      h('h2', { class: 'modal-title' }, renderPlain(textOf(view.title))),
      h('button', { type: 'button', class: 'modal-x', 'aria-label': 'Close', onclick: () => o.close() }, '×'),
    ),
    body,
    h('footer', { class: 'modal-footer' }, problem, h('button', { type: 'button', class: 'btn cancel', onclick: () => o.close() }, closeText), submitButton),
  );
  return h('div', { class: 'overlay', onkeydown: (e) => e.key === 'Escape' && o.close() }, dialog);
}

/** A button's `confirm` object as Slack shows it; resolves true when confirmed. */
export function confirmDialog(c, ctx, root) {
  return new Promise((resolve) => {
    const done = (ok) => {
      overlay.remove();
      resolve(ok);
    };
    const yes = h('button', { type: 'button', class: `btn ${c.style === 'danger' ? 'btn-danger' : 'btn-primary'} confirm-yes`, onclick: () => done(true) }, renderPlain(textOf(c.confirm) || 'Yes'));
    const overlay = h(
      'div',
      { class: 'overlay confirm', onkeydown: (e) => e.key === 'Escape' && done(false) },
      h(
        'div',
        { class: 'modal dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-label': textOf(c.title) || 'Are you sure?' },
        h('header', { class: 'modal-header' }, h('h2', { class: 'modal-title' }, renderPlain(textOf(c.title) || 'Are you sure?'))),
        h('div', { class: 'modal-body' }, renderText(c.text, ctx)),
        h('footer', { class: 'modal-footer' }, h('button', { type: 'button', class: 'btn confirm-no', onclick: () => done(false) }, renderPlain(textOf(c.deny) || 'Cancel')), yes),
      ),
    );
    root.append(overlay);
    yes.focus();
  });
}
