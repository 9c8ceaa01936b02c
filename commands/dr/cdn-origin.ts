import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { cdnTarget } from '../../src/runbooks/edge/cdn.js';
import { cdnOrigin } from '../../src/runbooks/edge/cdn-origin.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr cdn-origin backup|primary [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'cdn-origin'],
  summary: "Switch CloudFront's default origin to the policy's backup origin, or back to the primary (a second person confirms on L1)",
  usage,
  allowedRoles: cdnOrigin.requestRoles,
  examples: ['/dr cdn-origin backup', '/dr cdn-origin primary --dry-run'],
  booleanFlags: ['dry-run'],
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 1, max: 1 });
    cdnTarget(policy);
    const to = g.words[0]!.toLowerCase();
    if (to !== 'backup' && to !== 'primary') throw new UserError(`"${escapeMrkdwn(g.words[0]!)}" is neither backup nor primary.`, usage);
    return { to, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ to: z.enum(['backup', 'primary']), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'cdn-origin', { to: a.to }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
