import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { RESTORE_ROLES, rdsDatabase } from '../../src/runbooks/recovery/restore-db.js';
import { parseRestoreTime } from '../../src/runbooks/recovery/restore-time.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr restore-db snapshot <snapshot-id|latest> | pitr <time> | repoint [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'restore-db'],
  summary: 'Restore RDS from a snapshot or a point in time into a new instance and check its integrity; `repoint` then moves the apps to it',
  usage,
  allowedRoles: RESTORE_ROLES,
  examples: ['/dr restore-db snapshot latest', '/dr restore-db pitr 1 hour ago', '/dr restore-db pitr 2024-01-15T10:00:00Z', '/dr restore-db repoint'],
  booleanFlags: ['dry-run'],
  // The time's syntax and the mode are checked at the ack; the window and the snapshot in the plan, before anything is stored.
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 1, max: 6 });
    rdsDatabase(policy);
    const [mode, ...rest] = g.words as [string, ...string[]];
    const common = { ref: g.ref, dryRun: g.dryRun };
    if (mode === 'repoint') {
      if (rest.length) throw new UserError('`repoint` takes no more words.', usage);
      return { mode, ...common };
    }
    if (mode === 'snapshot') {
      if (rest.length !== 1) throw new UserError('Name one snapshot, or `latest`.', usage);
      if (!/^[a-zA-Z][a-zA-Z0-9:-]{0,254}$/.test(rest[0]!)) throw new UserError(`"${escapeMrkdwn(rest[0]!)}" is not an RDS snapshot identifier.`, usage);
      return { mode, snapshot: rest[0], ...common };
    }
    if (mode === 'pitr') {
      const time = rest.join(' ');
      if (!time) throw new UserError('Which point in time?', usage);
      if (!parseRestoreTime(time)) throw new UserError(`"${escapeMrkdwn(time)}" is not a time: use ISO 8601 (2024-01-15T10:00:00Z) or "1 hour ago".`, usage);
      return { mode, time, ...common };
    }
    throw new UserError(`Unknown mode "${escapeMrkdwn(mode)}": snapshot, pitr or repoint.`, usage);
  },
  args: z.object({ mode: z.enum(['snapshot', 'pitr', 'repoint']), snapshot: z.string().optional(), time: z.string().optional(), ...guardedShape }),
  handle: async (ctx, a) => {
    const o = { ref: a.ref, dryRun: a.dryRun, usage };
    if (a.mode === 'repoint') await ctx.actions.propose(ctx, 'restore-db-repoint', {}, o);
    else if (a.mode === 'snapshot') await ctx.actions.propose(ctx, 'restore-db', { mode: 'snapshot', snapshot: a.snapshot }, o);
    else await ctx.actions.propose(ctx, 'restore-db', { mode: 'pitr', time: a.time }, o);
  },
});
