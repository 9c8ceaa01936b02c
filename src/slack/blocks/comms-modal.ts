import { fitUserText } from '../../core/slack-text.js';
import { incidentRef, type Incident } from '../../core/incident.js';
import { escapeMrkdwn, truncate } from '../../core/mrkdwn.js';
import { CUSTOMER_STATUSES, FORM_INPUTS, INPUT_LABELS, PAGE_STATUSES, type CommsForm } from '../../comms/fields.js';
import type { TemplateName } from '../../comms/schemas.js';
import type { Policy } from '../../policy.js';
import { actions, button, context, input, modal, option, section, type Block } from './kit.js';
import type { ModalMeta } from './modals.js';

export const COMMS = { view: 'incident_comms', preview: 'comms_preview' } as const;
export const TEMPLATE_TITLES: Record<TemplateName, string> = {
  customer: 'Customer message',
  partner: 'Partner message',
  'status-page': 'Status page update',
  'internal-update': 'Internal update',
};

export interface CommsMeta extends ModalMeta {
  template: TemplateName;
  /**
   * Opened by `/incident statuspage`: what the page shows and why (published, publishes, only when asked, a
   * drill) and the mapped components; submitting publishes the reviewed text instead of only posting it.
   */
  statuspage?: string;
  drill?: boolean;
}

const text = (id: string, label: string, value: string, o: { multiline?: boolean; optional?: boolean; hint?: string; max?: number } = {}) =>
  input(id, label, { type: 'plain_text_input', multiline: o.multiline ?? false, max_length: o.max ?? 3_000, ...(value && { initial_value: truncate(value, o.max ?? 3_000) }) }, o);

function select(id: string, label: string, values: readonly string[], current: string): Block {
  const opts = values.map((v) => option(v, v));
  const initial = opts.find((o) => o.value === current);
  return input(id, label, { type: 'static_select', options: opts, ...(initial && { initial_option: initial }) });
}

function inputFor(key: keyof CommsForm, template: TemplateName, f: CommsForm, policy: Policy): Block {
  switch (key) {
    case 'description':
      return text('description', INPUT_LABELS.description, f.description, { multiline: true, hint: 'Completes "We are currently experiencing …"' });
    case 'status':
      return select('status', INPUT_LABELS.status, template === 'customer' ? CUSTOMER_STATUSES : PAGE_STATUSES, f.status);
    case 'services': {
      const opts = policy.services.map((s) => option(truncate(s.name, 75), s.id));
      const initial = opts.filter((o) => f.services.includes(o.value));
      return input('services', INPUT_LABELS.services, { type: 'multi_static_select', options: opts, ...(initial.length && { initial_options: initial }) });
    }
    case 'expected':
      return text('expected', INPUT_LABELS.expected, f.expected, { max: 200, hint: 'e.g. "within 2 hours" or "14:00 EET"' });
    case 'impact':
      return text('impact', INPUT_LABELS.impact, f.impact, { multiline: true, hint: 'One point per line' });
    case 'workarounds':
      return text('workarounds', INPUT_LABELS.workarounds, f.workarounds, { multiline: true, optional: true, hint: 'One per line' });
    case 'title':
      return text('title', INPUT_LABELS.title, f.title, { max: 200 });
    case 'update':
      return text('update', INPUT_LABELS.update, f.update, { multiline: true });
    case 'next':
      return text('next', INPUT_LABELS.next, f.next, { max: 4 });
  }
}

/** The comms form: inputs pre-filled from the incident, a Preview button, and the rendered draft once previewed. */
export function commsModal(template: TemplateName, inc: Incident, policy: Policy, form: CommsForm, meta: CommsMeta, preview?: { text?: string; problems?: string[] }): Block {
  const blocks: Block[] = [context(`*${incidentRef(inc.id)}* · ${fitUserText(inc.title, 200)} — fields are filled from the incident; edit, preview, then post the draft to the incident thread.`)];
  if (meta.statuspage) blocks.push(context(meta.statuspage));
  for (const key of FORM_INPUTS[template]) blocks.push(inputFor(key, template, form, policy));
  blocks.push(actions('comms_actions', [button('Preview', COMMS.preview, template)]));
  if (preview?.problems?.length) blocks.push(section(`:warning: ${preview.problems.map(escapeMrkdwn).join('\n')}`));
  if (preview?.text) {
    // Section text is limited to 3,000 characters: show the draft in as many fenced chunks as it takes.
    for (const chunk of escapedChunks(preview.text, 2_800)) {
      if (blocks.length >= 95) break;
      blocks.push(section(`\`\`\`${chunk}\`\`\``));
    }
  }
  const publishes = Boolean(meta.statuspage) && !meta.drill;
  return modal(COMMS.view, TEMPLATE_TITLES[template], publishes ? 'Publish' : 'Post draft', blocks, meta);
}

/** Escapes and splits so that no chunk passes `max` and no entity (`&amp;`) is cut in two. */
export function escapedChunks(text: string, max: number): string[] {
  const out: string[] = [];
  let chunk = '';
  for (const ch of text) {
    const e = escapeMrkdwn(ch);
    if (chunk.length + e.length > max) {
      out.push(chunk);
      chunk = '';
    }
    chunk += e;
  }
  if (chunk) out.push(chunk);
  return out;
}
