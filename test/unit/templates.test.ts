import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { escapedChunks } from '../../src/slack/blocks/comms-modal.js';
import { sampleFields, TEMPLATE_NAMES } from '../../src/comms/schemas.js';
import { loadTemplates, TemplateError, TemplateFieldsError } from '../../src/comms/templates.js';
import { plainBody } from '../../src/core/statuspage.js';

const templates = loadTemplates('templates');

describe('communication templates', () => {
  it.each(TEMPLATE_NAMES)('%s renders from its fixture', (name) => {
    expect(templates.render(name, sampleFields[name] as never)).toMatchSnapshot();
  });

  it('hostile input neither breaks a template nor survives as markup', () => {
    const hostile = '{{contacts.support}} <!channel> *bold* ' + 'x'.repeat(3_000);
    const out = templates.render('customer', { ...sampleFields.customer, description: hostile.slice(0, 3_000), expectedResolution: '{{#each}}' });
    expect(out).toContain('{{contacts.support}} <!channel> *bold*'); // rendered as text, not evaluated
    expect(out).toContain('Expected Resolution: {{#each}}');
    const chunks = escapedChunks(out, 2_800);
    expect(chunks.join('')).not.toContain('<!channel>');
    expect(chunks.join('')).toContain('&lt;!channel&gt;');
    expect(chunks.every((c) => c.length <= 2_800)).toBe(true);
    expect(chunks.some((c) => /&(a|am|amp|l|lt|g|gt)$/.test(c) && !c.endsWith(';'))).toBe(false);
  });

  it('a missing field is named', () => {
    let err: unknown;
    try {
      templates.render('partner', { ...sampleFields.partner, impact: [], expectedResolution: ' ' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateFieldsError);
    expect((err as TemplateFieldsError).fields).toEqual({ impact: 'name at least one', expectedResolution: 'required' });
  });

  it('a broken template in TEMPLATES_DIR stops start-up with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpl-'));
    for (const f of readdirSync('templates')) writeFileSync(join(dir, f), readFileSync(join('templates', f)));
    writeFileSync(join(dir, 'partner.hbs'), 'Dear Partner,\n\n{{#each impact}}\n- {{this}}\n');
    expect(() => loadTemplates(dir)).toThrow(TemplateError);
    expect(() => loadTemplates(dir)).toThrow(/partner\.hbs: Parse error on line \d/);
    writeFileSync(join(dir, 'partner.hbs'), 'Dear Partner,\nWe expect restoration by {{expectedRestoration}}.\n');
    expect(() => loadTemplates(dir)).toThrow(/partner\.hbs: line 2: unknown field "expectedRestoration"/);
  });
});

describe('the status-page draft as a Statuspage body', () => {
  it('is plain text: headings and bold lose their marks, component ticks become words, text is kept as typed', () => {
    const draft = templates.render('status-page', { ...sampleFields['status-page'], update: 'Fix & check <soon> **now**\u0007' });
    const body = plainBody(draft);
    expect(body.split('\n').slice(0, 4)).toEqual(['Payment processing delays', 'Status: Identified', 'Severity: High', 'Started: 2026-11-25 10:02 UTC']);
    expect(body).toContain('Fix & check <soon> now');
    expect(body).toContain('- Payment Processing: affected\n- Partner Dashboard: operational');
    expect(body).not.toMatch(/#|\*\*|\[x\]|&amp;|\u0007/);
  });
});
