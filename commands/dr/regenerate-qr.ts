import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { guardedShape } from '../../src/runbooks/recovery/args.js';
import { dataTarget } from '../../src/runbooks/recovery/data-target.js';
import { regenerateQr } from '../../src/runbooks/recovery/regenerate-qr.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr regenerate-qr --missing-only [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'regenerate-qr'],
  summary: 'Run the QR regeneration CronJob now as a Kubernetes Job (--missing-only: partners with no code), wait for it, check the counts',
  usage,
  allowedRoles: regenerateQr.requestRoles,
  examples: ['/dr regenerate-qr --missing-only', '/dr regenerate-qr --missing-only --dry-run'],
  booleanFlags: ['dry-run', 'missing-only'],
  input: (t, policy) => {
    const unknown = Object.keys(t.flags).find((f) => f !== 'dry-run' && f !== 'missing-only');
    if (unknown) throw new UserError(`Unknown option --${escapeMrkdwn(unknown)}.`, usage);
    const words = [...t.positionals];
    const refAt = words.findIndex(looksLikeIncidentRef);
    const ref = refAt >= 0 ? words.splice(refAt, 1)[0] : undefined;
    if (words.length) throw new UserError(`Too many words: ${escapeMrkdwn(words.join(' '))}.`, usage);
    // Regenerating every code would void the printed codes partners display: only the missing ones.
    if (t.flags['missing-only'] !== true) throw new UserError('Only `--missing-only` is supported: regenerating every code would void the printed codes partners display.', usage);
    dataTarget(policy);
    if (!policy.targets.database?.data?.regenerateQr) throw new UserError('The policy names no QR regeneration CronJob (`targets.database.data.regenerateQr.cronJob` in dr-policy.yml).', usage);
    return { ref, dryRun: t.flags['dry-run'] === true };
  },
  args: z.object({ ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'regenerate-qr', {}, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
