import { z } from 'zod';
import { EVERYONE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { resolveTeam, teamList } from '../../src/paging/plan.js';
import type { PagingTeam } from '../../src/paging/schema.js';
import { onCallBlocks } from '../../src/slack/blocks/page-oncall.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/oncall [team]';

export default defineCommand({
  path: ['oncall', 'show'],
  summary: 'Who is on call now for every team (or one), their backup, and the next hand-over',
  usage,
  allowedRoles: [EVERYONE],
  examples: ['/oncall', '/oncall dba'],
  fallback: true,
  input: (t, policy) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    if (t.positionals.length > 1) throw new UserError('Name at most one team.', usage);
    const said = t.positionals[0];
    if (said === undefined) return {};
    const team = resolveTeam(said, policy.teams);
    if (!team) throw new UserError(`"${escapeMrkdwn(said)}" is not a team. Teams: ${teamList(policy.teams)}.`, usage);
    return { team };
  },
  args: z.object({ team: z.string().optional() }),
  handle: async (ctx, a) => {
    const ids = a.team ? [a.team] : Object.keys(ctx.policy.teams);
    const now = await ctx.paging.oncall.all(ctx.clock.now(), ids);
    await ctx.reply(onCallBlocks(ids.map((id) => ({ id, team: ctx.policy.teams[id] as PagingTeam, now: now[id]! }))));
  },
});
