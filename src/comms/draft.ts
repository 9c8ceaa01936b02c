import type { Incident } from '../core/incident.js';
import type { Policy } from '../policy.js';
import { FIELD_TO_INPUT, fieldsFromForm, INPUT_LABELS, type CommsForm } from './fields.js';
import type { TemplateName } from './schemas.js';
import { TemplateFieldsError, type Templates } from './templates.js';

/** zod's "Invalid input: expected string, received undefined" is "required" to a person. */
const readable = (message: string): string => (/received undefined|^required$/i.test(message) ? 'required' : message);

export type DraftResult = { ok: true; text: string } | { ok: false; errors: Record<string, string> };

/** Renders a form into a draft, or says which form inputs are missing or wrong (keyed by input block id). */
export function renderDraft(templates: Templates, template: TemplateName, form: CommsForm, inc: Incident, policy: Policy, now: Date): DraftResult {
  try {
    return { ok: true, text: templates.render(template, fieldsFromForm(template, form, inc, policy, now) as never) };
  } catch (err) {
    if (!(err instanceof TemplateFieldsError)) throw err;
    const errors: Record<string, string> = {};
    for (const [path, message] of Object.entries(err.fields)) {
      const field = path.split('.')[0]!;
      const input = Object.hasOwn(FIELD_TO_INPUT, field) ? FIELD_TO_INPUT[field]! : 'title';
      errors[input] ??= `${INPUT_LABELS[input]}: ${readable(message)}`;
    }
    return { ok: false, errors };
  }
}
