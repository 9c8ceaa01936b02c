import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { dataTarget } from '../../src/runbooks/recovery/data-target.js';
import { replayTransactions } from '../../src/runbooks/recovery/replay-transactions.js';
import { parseRestoreTime, resolveRestoreTime } from '../../src/runbooks/recovery/restore-time.js';
import { guardedShape } from '../../src/runbooks/recovery/args.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr replay-transactions --since <time> [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'replay-transactions'],
  summary: 'Replay the transactions missing after the last known one before a time (audit_log rows with needs_replay), in batches; a second person confirms on L1',
  usage,
  allowedRoles: replayTransactions.requestRoles,
  examples: ['/dr replay-transactions --since 2024-01-15T10:00:00Z', '/dr replay-transactions --since "2 hours ago" --dry-run'],
  booleanFlags: ['dry-run'],
  // The time's syntax is checked at the ack; future or past the retention in the plan, before anything is stored.
  input: (t, policy) => {
    const unknown = Object.keys(t.flags).find((f) => f !== 'dry-run' && f !== 'since');
    if (unknown) throw new UserError(`Unknown option --${escapeMrkdwn(unknown)}.`, usage);
    const words = [...t.positionals];
    const refAt = words.findIndex(looksLikeIncidentRef);
    const ref = refAt >= 0 ? words.splice(refAt, 1)[0] : undefined;
    const since = t.flags.since;
    // `--since 2 hours ago` unquoted: the rest of the time arrives as words.
    const time = typeof since === 'string' ? [since, ...words].join(' ') : undefined;
    if (!time) throw new UserError('Since when? Give --since with the time the incident started.', usage);
    if (!parseRestoreTime(time)) throw new UserError(`"${escapeMrkdwn(time)}" is not a time: use ISO 8601 (2024-01-15T10:00:00Z) or "2 hours ago".`, usage);
    dataTarget(policy);
    return { since: time, ref, dryRun: t.flags['dry-run'] === true };
  },
  args: z.object({ since: z.string(), ...guardedShape }),
  handle: async (ctx, a) => {
    const since = resolveRestoreTime(parseRestoreTime(a.since)!, ctx.clock.now()).toISOString();
    await ctx.actions.propose(ctx, 'replay-transactions', { since }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
