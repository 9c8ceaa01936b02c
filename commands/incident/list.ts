import { z } from 'zod';
import { EVERYONE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { incidentListText } from '../../src/slack/blocks/incident-list.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident list';

export default defineCommand({
  path: ['incident', 'list'],
  summary: 'List the open incidents, most severe first (only you see it)',
  usage,
  allowedRoles: [EVERYONE],
  input: (t) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`list` takes no arguments.', usage);
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    const open = await ctx.store.incidents.listOpen();
    if (open.length === 0) return ctx.reply(':white_check_mark: No open incidents.');
    await ctx.reply(incidentListText(open, ctx.policy, ctx.clock.now()));
  },
});
