import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { guardedShape } from '../../src/runbooks/recovery/args.js';
import { dataTarget } from '../../src/runbooks/recovery/data-target.js';
import { recoverPartners } from '../../src/runbooks/recovery/recover-partners.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr recover-partners --from <source> [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'recover-partners'],
  summary: 'Copy partners, partner_locations and partner_offers rows missing or different in production from a restored or backup database (one transaction), then verify counts and QR codes',
  usage,
  allowedRoles: recoverPartners.requestRoles,
  examples: ['/dr recover-partners --from restored', '/dr recover-partners --from backup --dry-run'],
  booleanFlags: ['dry-run'],
  // An unknown source is answered at the ack; a source that is production itself in the plan, before anything is stored.
  input: (t, policy) => {
    const unknown = Object.keys(t.flags).find((f) => f !== 'dry-run' && f !== 'from');
    if (unknown) throw new UserError(`Unknown option --${escapeMrkdwn(unknown)}.`, usage);
    const words = [...t.positionals];
    const refAt = words.findIndex(looksLikeIncidentRef);
    const ref = refAt >= 0 ? words.splice(refAt, 1)[0] : undefined;
    if (words.length) throw new UserError(`Too many words: ${escapeMrkdwn(words.join(' '))}.`, usage);
    const from = t.flags.from;
    if (typeof from !== 'string') throw new UserError('From where? Name the source with --from (the policy lists them).', usage);
    const { data } = dataTarget(policy);
    const names = Object.keys(data.partners.sources);
    if (!names.includes(from)) {
      throw new UserError(names.length ? `Unknown source "${escapeMrkdwn(from)}". The policy lists: ${names.join(', ')}.` : 'The policy names no recovery source (`targets.database.data.partners.sources`).', usage);
    }
    return { from, ref, dryRun: t.flags['dry-run'] === true };
  },
  args: z.object({ from: z.string(), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'recover-partners', { from: a.from }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
