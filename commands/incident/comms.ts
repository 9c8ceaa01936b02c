import { z } from 'zod';
import { COMMUNICATIONS_COORDINATOR, INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { formFromIncident } from '../../src/comms/fields.js';
import { TEMPLATE_NAMES, type TemplateName } from '../../src/comms/schemas.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { commsModal } from '../../src/slack/blocks/comms-modal.js';
import { defineCommand } from '../../src/slack/command.js';
import { snapshotOf } from '../../src/slack/comms.js';
import { openThenFill } from '../../src/slack/open-modal.js';
import { own } from '../../src/core/own.js';

const usage = '/incident comms <customer|partner|status|internal> [INC-n]';
const ALIASES: Record<string, TemplateName> = { customer: 'customer', customers: 'customer', partner: 'partner', partners: 'partner', status: 'status-page', 'status-page': 'status-page', internal: 'internal-update' };

export default defineCommand({
  path: ['incident', 'comms'],
  summary: 'Prepare a customer, partner, status-page or internal message from the procedures\' templates: edit, preview, post the draft to the thread',
  usage,
  allowedRoles: [COMMUNICATIONS_COORDINATOR, INCIDENT_COMMANDER],
  examples: ['/incident comms customer INC-7', '/incident comms status'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = t.positionals.filter((w) => !looksLikeIncidentRef(w));
    const ref = t.positionals.find((w) => looksLikeIncidentRef(w));
    if (words.length !== 1) throw new UserError('Say which message: customer, partner, status or internal.', usage);
    const template = own(ALIASES, words[0]!.toLowerCase());
    if (!template) throw new UserError(`"${escapeMrkdwn(words[0]!)}" is not a message kind; use customer, partner, status or internal.`, usage);
    return { template, ref };
  },
  args: z.object({ template: z.enum(TEMPLATE_NAMES as [TemplateName, ...TemplateName[]]), ref: z.string().optional() }),
  handle: async (ctx, a) => {
    await openThenFill(ctx.slack, ctx.triggerId!, async () => {
      const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
      const form = formFromIncident(a.template, inc, ctx.incidents.cadence(inc));
      return commsModal(a.template, inc, ctx.policy, form, snapshotOf(inc, a.template, ctx.channelId));
    });
  },
});
