import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { templateSchemas, TEMPLATE_NAMES, sampleFields, type TemplateFields, type TemplateName } from './schemas.js';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** A field the person must fix, named by its path (`expectedResolution: required`). */
export class TemplateFieldsError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; '));
    this.name = 'TemplateFieldsError';
  }
}

export interface Templates {
  render<N extends TemplateName>(name: N, fields: TemplateFields<N>): string;
}

/**
 * Compiles every template of the directory and renders each with sample data, so a broken one — also one
 * an operator dropped into TEMPLATES_DIR — stops start-up with its file and line. Output is plain text
 * (noEscape): the caller escapes it for wherever it goes.
 */
export function loadTemplates(dir: string): Templates {
  const hb = Handlebars.create();
  hb.registerHelper('list', (items: unknown) => (Array.isArray(items) ? items.join(', ') : String(items ?? '')));
  const compiled = new Map<TemplateName, HandlebarsTemplateDelegate>();
  for (const name of TEMPLATE_NAMES) {
    const file = join(dir, `${name}.hbs`);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TemplateError(`${file}: cannot read the template (${(err as Error).message})`);
    }
    try {
      hb.parse(source);
      const template = hb.compile(source, { noEscape: true, strict: true });
      template(templateSchemas[name].parse(sampleFields[name]));
      compiled.set(name, template);
    } catch (err) {
      throw new TemplateError(`${file}: ${describe(err)}`);
    }
  }
  return {
    render(name, fields) {
      const parsed = templateSchemas[name].safeParse(fields);
      if (!parsed.success) {
        const out: Record<string, string> = {};
        for (const i of parsed.error.issues) out[i.path.join('.') || name] ??= i.message;
        throw new TemplateFieldsError(out);
      }
      return compiled.get(name)!(parsed.data).replace(/\n{3,}/g, '\n\n').trim() + '\n';
    },
  };
}

/** Handlebars says "Parse error on line 3" or `"x" not defined in [object Object] - 3:10`; keep the line. */
function describe(err: unknown): string {
  const m = (err as Error).message ?? String(err);
  const strict = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(m);
  if (strict) return `line ${strict[2]}: unknown field "${strict[1]}" (fields: see src/comms/schemas.ts)`;
  return m.split('\n').slice(0, 3).join(' ');
}
