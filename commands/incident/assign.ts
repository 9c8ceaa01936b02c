import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { notAPerson, parseUserMention } from '../../src/core/incident-input.js';
import { incidentRef } from '../../src/core/incident.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { INCIDENT_COMMANDER, resolveRole, roleName } from '../../src/core/roles.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { checkUserExists } from '../../src/incidents/users.js';
import { defineCommand } from '../../src/slack/command.js';
import { didYouMean } from '../../src/core/did-you-mean.js';
import { commandKey, SHOWS_SHORTLY } from '../../src/slack/context.js';

const usage = '/incident assign <role> @person [INC-n]';

export default defineCommand({
  path: ['incident', 'assign'],
  summary: 'Give one of the recovery roles to someone (handover is recorded)',
  usage,
  allowedRoles: [INCIDENT_COMMANDER],
  examples: ['/incident assign dba @maria INC-7', '/incident assign comms @georgi', '/incident assign "Technical Lead" @ivan'],
  input: (t, policy) => {
    const words = t.positionals.filter((w) => !looksLikeIncidentRef(w));
    const ref = t.positionals.find((w) => looksLikeIncidentRef(w));
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    if (words.length !== 2) throw new UserError('Say which role and who: a role, then an @mention.', usage);
    const role = resolveRole(words[0]!, policy.roles);
    const names = Object.values(policy.roles).map((r) => r.name).join(', ');
    const spellings = Object.entries(policy.roles).flatMap(([id, r]) => [id, ...r.aliases]);
    if (!role) throw new UserError(`"${escapeMrkdwn(words[0]!)}" is not a role.${didYouMean(words[0]!, spellings)} Roles: ${names}.`, usage);
    const user = parseUserMention(words[1]!);
    if (!user) throw new UserError(notAPerson(words[1]!), usage);
    return { ref, role, user };
  },
  args: z.object({ ref: z.string().optional(), role: z.string(), user: z.string() }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    await checkUserExists(ctx.slack, a.user, usage);
    await ctx.incidents.assign(inc.id, a.role, a.user, ctx.userId, commandKey(ctx));
    const shown = await ctx.incidents.settled(inc.id);
    await ctx.reply(`<@${a.user}> is now ${escapeMrkdwn(roleName(a.role, ctx.policy.roles))} of *${incidentRef(inc.id)}*.${shown ? '' : ` ${SHOWS_SHORTLY}`}`);
  },
});
