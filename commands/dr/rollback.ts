import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { guardedShape, guardedWords } from '../../src/runbooks/recovery/args.js';
import { K8S_ROLES, knownDeployment } from '../../src/runbooks/recovery/deployments.js';
import { IMAGE_RE } from '../../src/runbooks/recovery/rollback.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr rollback <deployment> [image] [INC-n] [--dry-run]';

export default defineCommand({
  path: ['dr', 'rollback'],
  summary: "Set a deployment's image to the last known good one (the policy's, or the previous revision's) and wait for the rollout",
  usage,
  allowedRoles: K8S_ROLES,
  examples: ['/dr rollback api-gateway', '/dr rollback api-gateway boomcard/api-gateway:v1.2.2'],
  booleanFlags: ['dry-run'],
  input: (t, policy) => {
    const g = guardedWords(t, usage, { min: 1, max: 2 });
    const deployment = knownDeployment(policy, g.words[0]!, usage).name;
    const image = g.words[1];
    if (image !== undefined && !IMAGE_RE.test(image)) throw new UserError(`"${escapeMrkdwn(image)}" is not an image reference like boomcard/api-gateway:v1.2.2.`, usage);
    return { deployment, image, ref: g.ref, dryRun: g.dryRun };
  },
  args: z.object({ deployment: z.string(), image: z.string().optional(), ...guardedShape }),
  handle: async (ctx, a) => {
    await ctx.actions.propose(ctx, 'rollback', { deployment: a.deployment, image: a.image }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
