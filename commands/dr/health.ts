import { z } from 'zod';
import { ANY_ROLE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { runHealth } from '../../src/runbooks/health.js';
import { healthCard } from '../../src/slack/blocks/health-card.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr health';

export default defineCommand({
  path: ['dr', 'health'],
  summary: 'Check every platform target at once: database, Redis, health URLs, Kubernetes, RDS (read-only)',
  usage,
  allowedRoles: [ANY_ROLE],
  examples: ['/dr health'],
  input: (t) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`/dr health` takes no arguments.', usage);
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    const { results, totalMs } = await runHealth(ctx.policy, ctx.infra);
    await ctx.reply(healthCard(results, { totalMs, at: ctx.clock.now() }));
  },
});
