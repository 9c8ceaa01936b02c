import type { Incident } from '../core/incident.js';
import type { Policy } from '../policy.js';
import { FIELD_TO_INPUT, fieldsFromForm, INPUT_LABELS, type CommsForm } from './fields.js';
import type { TemplateName } from './schemas.js';
import { TemplateFieldsError, type Templates } from './templates.js';

export type DraftResult = { ok: true; text: string } | { ok: false; errors: Record<string, string> };

/** Renders a form into a draft, or says which form inputs are missing or wrong (keyed by input block id). */
export function renderDraft(templates: Templates, template: TemplateName, form: CommsForm, inc: Incident, policy: Policy, now: Date): DraftResult {
  try {
    return { ok: true, text: templates.render(template, fieldsFromForm(template, form, inc, policy, now) as never) };
  } catch (err) {
    if (!(err instanceof TemplateFieldsError)) throw err;
    const errors: Record<string, string> = {};
    for (const [path, message] of Object.entries(err.fields)) {
      const input = FIELD_TO_INPUT[path.split('.')[0]!] ?? 'title';
      // Named by the label on the form (path "affectedServices" is the input "Affected services").
      errors[input] ??= `${INPUT_LABELS[input]}: ${message}`;
    }
    return { ok: false, errors };
  }
}
