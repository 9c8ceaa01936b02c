import { z } from 'zod';
import { flushCache, parseDbNumber, redisTarget } from '../../src/runbooks/recovery/flush-cache.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { UserError } from '../../src/core/errors.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr flush-cache [db] [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'flush-cache'],
  summary: 'FLUSHDB on one database of the platform Redis, keys counted before and after (a second person confirms on L1)',
  usage,
  allowedRoles: flushCache.requestRoles,
  examples: ['/dr flush-cache', '/dr flush-cache 2 --dry-run'],
  booleanFlags: ['dry-run'],
  // A bad db number or no Redis target is answered at the ack, before anything is read or stored.
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 0, max: 1 });
    redisTarget(policy);
    let db: number | undefined;
    try {
      db = g.words[0] === undefined ? undefined : parseDbNumber(g.words[0]);
    } catch (err) {
      throw err instanceof UserError ? new UserError(err.message, usage) : err;
    }
    return { db, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ db: z.number().int().min(0).max(15).optional(), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'flush-cache', { db: a.db }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
