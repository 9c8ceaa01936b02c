import { z } from 'zod';
import { EVERYONE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { findIncident } from '../../src/incidents/lookup.js';
import { incidentCard } from '../../src/slack/blocks/incident-card.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident status [INC-n]';

export default defineCommand({
  path: ['incident', 'status'],
  summary: 'Show the current card of an incident, only to you',
  usage,
  allowedRoles: [EVERYONE],
  examples: ['/incident status INC-7'],
  input: (t) => {
    if (t.positionals.length > 1 || Object.keys(t.flags).length > 0) throw new UserError('Name at most one incident.', usage);
    return { ref: t.positionals[0] };
  },
  args: z.object({ ref: z.string().optional() }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    const card = incidentCard(inc, ctx.policy, undefined, await ctx.paging.cardExtras(inc));
    // The buttons belong to the card in the channel; a private copy only shows the state.
    await ctx.reply({ text: card.text, blocks: card.blocks.filter((b) => b.type !== 'actions') });
  },
});
