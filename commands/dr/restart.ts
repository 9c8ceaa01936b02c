import { z } from 'zod';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { K8S_ROLES, knownDeployment } from '../../src/runbooks/recovery/deployments.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr restart <deployment> [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'restart'],
  summary: 'Rolling restart of a deployment (kubectl rollout restart) and wait for the rollout',
  usage,
  allowedRoles: K8S_ROLES,
  examples: ['/dr restart api-gateway'],
  booleanFlags: ['dry-run'],
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 1, max: 1 });
    const deployment = knownDeployment(policy, g.words[0]!, usage).name;
    return { deployment, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ deployment: z.string(), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'restart', { deployment: a.deployment }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
