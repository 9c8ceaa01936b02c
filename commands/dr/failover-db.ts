import { z } from 'zod';
import { failoverDb } from '../../src/runbooks/failover-db/index.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { chooseReplica, databaseTarget } from '../../src/runbooks/failover-db/common.js';
import { defineCommand, flagsOf } from '../../src/slack/command.js';

const usage = '/dr failover-db [replica] [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'failover-db'],
  summary: 'Promote the read replica to primary and repoint the apps (plan first; a second person confirms on L1)',
  usage,
  allowedRoles: failoverDb.requestRoles,
  examples: ['/dr failover-db production-replica-1', '/dr failover-db --dry-run'],
  booleanFlags: ['dry-run'],
  // Unknown replica or no database target: answered at the ack, before anything is read or stored.
  input: (t, policy) => {
    const flags = flagsOf(t);
    const unknown = Object.keys(flags).filter((f) => f !== 'dryRun');
    if (unknown.length > 0) throw new UserError(`Unknown option --${escapeMrkdwn(Object.keys(t.flags).find((f) => f !== 'dry-run')!)}.`, usage);
    const words = [...t.positionals];
    const refAt = words.findIndex(looksLikeIncidentRef);
    const ref = refAt >= 0 ? words.splice(refAt, 1)[0] : undefined;
    if (words.length > 1) throw new UserError('Name at most one replica.', usage);
    const db = databaseTarget(policy);
    const replica = words[0] === undefined ? undefined : chooseReplica(db, words[0]).name;
    return { replica, ref, dryRun: flags.dryRun === true };
  },
  args: z.object({ replica: z.string().optional(), ref: z.string().optional(), dryRun: z.boolean().default(false) }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'failover-db', { replica: a.replica }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
