import { z } from 'zod';
import { checkPaths, MAX_PATHS } from '../../src/core/cdn-paths.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { cdnTarget } from '../../src/runbooks/edge/cdn.js';
import { purgeCdn } from '../../src/runbooks/edge/purge-cdn.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr purge-cdn [/path …] [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'purge-cdn'],
  summary: 'CloudFront invalidation (default /*), waited for until Completed (a second person confirms on L1)',
  usage,
  allowedRoles: purgeCdn.requestRoles,
  examples: ['/dr purge-cdn', '/dr purge-cdn /index.html /static/* --dry-run'],
  booleanFlags: ['dry-run'],
  // A bad path or no CDN target is answered at the ack, before anything is read or stored.
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 0, max: MAX_PATHS });
    cdnTarget(policy);
    const c = checkPaths(g.words);
    if (!c.ok) throw new UserError(`${escapeMrkdwn(c.problem)}.`, usage);
    return { paths: c.paths, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ paths: z.array(z.string()).max(MAX_PATHS), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'purge-cdn', { paths: a.paths }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
