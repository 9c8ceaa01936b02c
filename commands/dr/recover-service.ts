import { z } from 'zod';
import { K8S_ROLES } from '../../src/runbooks/recovery/deployments.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { recoveryEntry } from '../../src/runbooks/recovery/recover-service.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr recover-service <service> [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'recover-service'],
  summary: "Server-side apply a service's recovery manifest (from the policy) and wait for its deployment",
  usage,
  allowedRoles: K8S_ROLES,
  examples: ['/dr recover-service payment-service'],
  booleanFlags: ['dry-run'],
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 1, max: 1 });
    recoveryEntry(policy, g.words[0]!, usage);
    return { service: g.words[0]!, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ service: z.string(), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'recover-service', { service: a.service }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
