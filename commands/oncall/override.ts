import { z } from 'zod';
import { standingRoles, TEAM_MEMBER } from '../../src/core/authz.js';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { ForbiddenError, UserError } from '../../src/core/errors.js';
import { parseUserMention } from '../../src/core/incident-input.js';
import { escapeMrkdwn, slackDate } from '../../src/core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { checkPerson } from '../../src/paging/people.js';
import { resolveTeam, teamList } from '../../src/paging/plan.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/oncall override <team> @person <duration>';
const MIN_MS = 60_000;
const MAX_MS = 14 * 86_400_000;

export default defineCommand({
  path: ['oncall', 'override'],
  summary: "Hand a team's pager to someone for a while (a swap); recorded with who did it. Team members or an Incident Commander.",
  usage,
  allowedRoles: [TEAM_MEMBER, INCIDENT_COMMANDER],
  examples: ['/oncall override dba @ivan 4h', '/oncall override core @alice 2d'],
  input: (t, policy) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    if (t.positionals.length !== 3) throw new UserError('Say the team, who takes the pager, and for how long.', usage);
    const [teamText, who, howLong] = t.positionals as [string, string, string];
    const team = resolveTeam(teamText, policy.teams);
    if (!team) throw new UserError(`"${escapeMrkdwn(teamText)}" is not a team. Teams: ${teamList(policy.teams)}.`, usage);
    const user = parseUserMention(who);
    if (!user) throw new UserError(`"${escapeMrkdwn(who)}" is not a person; mention them with @.`, usage);
    const ms = parseDuration(howLong);
    if (ms === undefined) throw new UserError(`"${escapeMrkdwn(howLong)}" is not a duration; use e.g. 30m, 4h or 2d.`, usage);
    if (ms < MIN_MS || ms > MAX_MS) throw new UserError(`An override lasts between ${formatDuration(MIN_MS)} and ${formatDuration(MAX_MS)}.`, usage);
    return { team, user, ms };
  },
  args: z.object({ team: z.string(), user: z.string(), ms: z.number().int().positive() }),
  handle: async (ctx, a) => {
    const team = ctx.policy.teams[a.team]!;
    // Whoever is in the team can swap among themselves; an Incident Commander can hand it to anyone.
    if (!team.members.includes(ctx.userId)) {
      if (!standingRoles(ctx.userId, ctx.policy.teams).has(INCIDENT_COMMANDER)) throw new ForbiddenError(`Only members of the ${escapeMrkdwn(team.name)} or an Incident Commander can change its on-call; <@${ctx.userId}> is neither.`);
    }
    await checkPerson(ctx.slack, a.user, usage);
    const before = await ctx.paging.oncall.now(a.team);
    const o = await ctx.paging.override(a.team, a.user, a.ms, ctx.userId);
    const instead = before.primary && before.primary !== a.user ? ` instead of <@${before.primary}>` : '';
    await ctx.reply(`<@${a.user}> is on call for *${escapeMrkdwn(team.name)}*${instead} until ${slackDate(o.endsAt)} (${formatDuration(a.ms)}). Recorded; \`/oncall ${a.team}\` shows it.`);
  },
});
