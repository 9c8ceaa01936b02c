import { z } from 'zod';
import { K8S_ROLES } from '../../src/runbooks/recovery/deployments.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { checkReplicas } from '../../src/runbooks/recovery/scale-restart.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr scale <deployment> <replicas> [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'scale'],
  summary: 'Scale a deployment the policy lists, within its bounds, and wait until the replicas are ready',
  usage,
  allowedRoles: K8S_ROLES,
  examples: ['/dr scale api-gateway 10'],
  booleanFlags: ['dry-run'],
  // Unknown deployment and replicas outside the policy's bounds: answered at the ack, nothing stored.
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 2, max: 2 });
    const [deployment, count] = g.words as [string, string];
    if (!/^\d{1,4}$/.test(count)) throw new UserError(`"${escapeMrkdwn(count)}" is not a number of replicas.`, usage);
    checkReplicas(policy, deployment, Number(count), usage);
    return { deployment, replicas: Number(count), ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ deployment: z.string(), replicas: z.number().int().min(0), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'scale', { deployment: a.deployment, replicas: a.replicas }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
