import { z } from 'zod';
import { ANY_ROLE } from '../../src/core/authz.js';
import { formatDuration } from '../../src/core/duration.js';
import { UserError } from '../../src/core/errors.js';
import { parseUserMention } from '../../src/core/incident-input.js';
import { incidentRef, isOpen, statusLabel } from '../../src/core/incident.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { checkPerson } from '../../src/paging/people.js';
import { resolveTeam, teamList } from '../../src/paging/plan.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident page [INC-n] <team|@person> [message]';
const MESSAGE_MAX = 1_000;

export default defineCommand({
  path: ['incident', 'page'],
  summary: "Page a team's on-call (PagerDuty/Opsgenie and a Slack DM) or one person (a Slack DM); unacknowledged pages escalate",
  usage,
  allowedRoles: [ANY_ROLE],
  examples: ['/incident page dba Replica lag is 40 s, need a DBA now', '/incident page INC-7 @maria Customer-facing for 20 min'],
  input: (t, policy) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    const who = words.shift();
    if (!who) throw new UserError(`Say whom to page: a team (${teamList(policy.teams)}) or an @person.`, usage);
    const user = parseUserMention(who);
    const team = user ? undefined : resolveTeam(who, policy.teams);
    if (!user && !team) throw new UserError(`"${escapeMrkdwn(who)}" is neither a team nor an @person. Teams: ${teamList(policy.teams)}.`, usage);
    const message = words.join(' ').trim();
    if (message.length > MESSAGE_MAX) throw new UserError(`The message is ${message.length} characters long; keep it to ${MESSAGE_MAX}.`, usage);
    return { ref, team, user, message: message || undefined };
  },
  args: z.object({ ref: z.string().optional(), team: z.string().optional(), user: z.string().optional(), message: z.string().optional() }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    if (!isOpen(inc.status)) throw new UserError(`${incidentRef(inc.id)} is ${statusLabel(inc.status).toLowerCase()}; there is nobody to page for it.`, usage);
    if (a.user) await checkPerson(ctx.slack, a.user, usage);
    const paged = await ctx.paging.page(inc, a.user ? { user: a.user } : { team: a.team! }, a.message, ctx.userId);
    const who = paged.user ? `<@${paged.user}>` : '_nobody is on call_';
    const via = paged.via.length ? ` through ${paged.via.join(', ')}` : '';
    await ctx.reply(`${inc.drill ? '[DRILL] ' : ''}Paged ${a.team ? `*${escapeMrkdwn(paged.forWhom)}*: ${who}` : who}${via} for *${incidentRef(inc.id)}*. Not acknowledged within ${formatDuration(ctx.policy.levels[inc.level].ackTimeoutMs)} → it escalates.`);
  },
});
