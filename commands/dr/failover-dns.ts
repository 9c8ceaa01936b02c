import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { chooseRecord, dnsTarget, failoverDns } from '../../src/runbooks/edge/failover-dns.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr failover-dns [record] [backup|primary] [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'failover-dns'],
  summary: "Point a DNS record (Route 53) at the policy's backup target, or back at the primary; waits until INSYNC (a second person confirms on L1)",
  usage,
  allowedRoles: failoverDns.requestRoles,
  examples: ['/dr failover-dns api', '/dr failover-dns api primary --dry-run'],
  booleanFlags: ['dry-run'],
  // An unknown record or no DNS target is answered at the ack, before anything is read or stored.
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 0, max: 2 });
    const words = [...g.words];
    const dirAt = words.findIndex((w) => /^(backup|primary)$/i.test(w));
    const to = dirAt >= 0 ? (words.splice(dirAt, 1)[0]!.toLowerCase() as 'backup' | 'primary') : 'backup';
    if (words.length > 1) throw new UserError(`Name one record; "${escapeMrkdwn(words[1]!)}" is neither backup nor primary.`, usage);
    const dns = dnsTarget(policy);
    try {
      chooseRecord(dns, words[0]);
    } catch (err) {
      throw err instanceof UserError ? new UserError(err.message, usage) : err;
    }
    return { record: words[0], to, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ record: z.string().optional(), to: z.enum(['backup', 'primary']), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'failover-dns', { record: a.record, to: a.to }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
