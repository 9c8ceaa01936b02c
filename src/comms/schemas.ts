import { z } from 'zod';

/**
 * The fields each communication template needs. Rendering validates against these first, so a missing
 * field is named ("expectedResolution: required") instead of leaving a hole in a customer e-mail.
 */
const text = (max: number) => z.string({ error: 'required' }).trim().min(1, 'required').max(max, `at most ${max} characters`);
const list = (max: number) => z.array(text(300), { error: 'required' }).min(1, 'name at least one').max(max);

export const templateSchemas = {
  customer: z.object({
    description: text(3_000),
    status: z.enum(['Investigating', 'Partially Resolved', 'Monitoring', 'Resolved'], { error: 'one of Investigating, Partially Resolved, Monitoring, Resolved' }),
    affectedServices: list(20),
    expectedResolution: text(200),
    contacts: z.object({ support: text(200) }),
  }),
  partner: z.object({
    affectedServices: list(20),
    impact: list(20),
    workarounds: z.array(text(300)).max(20).default([]),
    expectedResolution: text(200),
    contacts: z.object({ partners: text(200), partnersPhone: text(100) }),
  }),
  'status-page': z.object({
    title: text(200),
    status: z.enum(['Investigating', 'Identified', 'Monitoring', 'Resolved'], { error: 'one of Investigating, Identified, Monitoring, Resolved' }),
    severity: z.enum(['Critical', 'High', 'Medium', 'Low']),
    started: text(100),
    updatedAt: text(100),
    update: text(3_000),
    components: z.array(z.object({ name: text(100), affected: z.boolean() })).min(1),
    nextUpdateMinutes: z.number().int().min(1).max(1_440),
  }),
  'internal-update': z.object({
    ref: text(20),
    level: z.number().int().min(1).max(4),
    levelName: text(50),
    title: text(200),
    status: text(50),
    openFor: text(50),
    commander: text(100),
    update: text(3_000),
    nextUpdateMinutes: z.number().int().min(1).max(1_440),
  }),
} as const;

export type TemplateName = keyof typeof templateSchemas;
export const TEMPLATE_NAMES = Object.keys(templateSchemas) as TemplateName[];
export type TemplateFields<N extends TemplateName> = z.input<(typeof templateSchemas)[N]>;

/** Realistic values for every field: start-up renders each template with them to prove it works. */
export const sampleFields: { [N in TemplateName]: TemplateFields<N> } = {
  customer: {
    description: 'delays processing card payments',
    status: 'Investigating',
    affectedServices: ['Payment Processing'],
    expectedResolution: 'within 2 hours',
    contacts: { support: 'support@boomcard.bg' },
  },
  partner: {
    affectedServices: ['Partner Dashboard'],
    impact: ['Discounts cannot be validated at POS'],
    workarounds: ['Accept the printed card and record the code'],
    expectedResolution: '14:00 EET',
    contacts: { partners: 'partners@boomcard.bg', partnersPhone: '+359 2 000 0000' },
  },
  'status-page': {
    title: 'Payment processing delays',
    status: 'Identified',
    severity: 'High',
    started: '2026-11-25 10:02 UTC',
    updatedAt: '10:40 UTC',
    update: 'We have identified the cause and are failing over the database.',
    components: [{ name: 'Payment Processing', affected: true }, { name: 'Partner Dashboard', affected: false }],
    nextUpdateMinutes: 30,
  },
  'internal-update': {
    ref: 'INC-1',
    level: 2,
    levelName: 'High',
    title: 'Payment processing delays',
    status: 'Identified',
    openFor: '38 min',
    commander: '@alice',
    update: 'Failover in progress.',
    nextUpdateMinutes: 30,
  },
};
