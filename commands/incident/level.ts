import { z } from 'zod';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { UserError } from '../../src/core/errors.js';
import { incidentRef } from '../../src/core/incident.js';
import { LEVEL_NUMBERS, levelLabel, parseLevel, type LevelNumber } from '../../src/core/levels.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { findIncident } from '../../src/incidents/lookup.js';
import { defineCommand } from '../../src/slack/command.js';
import { commandKey, SHOWS_SHORTLY } from '../../src/slack/context.js';

const usage = '/incident level [INC-n] <L1-L4>';

export default defineCommand({
  path: ['incident', 'level'],
  summary: 'Escalate or de-escalate an incident (card, thread and timeline say so)',
  usage,
  allowedRoles: [INCIDENT_COMMANDER],
  examples: ['/incident level INC-7 L1', '/incident level INC-7 medium'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const p = t.positionals;
    if (p.length === 0 || p.length > 2) throw new UserError('Say the new level, and the incident unless you are in its channel.', usage);
    const said = p[p.length - 1]!;
    const level = parseLevel(said);
    if (level === undefined) throw new UserError(`"${escapeMrkdwn(said)}" is not a level; use L1, L2, L3 or L4.`, usage);
    return { ref: p.length === 2 ? p[0] : undefined, level };
  },
  args: z.object({ ref: z.string().optional(), level: z.custom<LevelNumber>((v) => LEVEL_NUMBERS.includes(v as LevelNumber)) }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    if (inc.level === a.level) throw new UserError(`${incidentRef(inc.id)} is already L${a.level}.`, usage);
    await ctx.incidents.changeLevel(inc.id, a.level, ctx.userId, commandKey(ctx));
    const shown = await ctx.incidents.settled(inc.id);
    await ctx.reply(`*${incidentRef(inc.id)}* is now ${levelLabel(a.level, ctx.policy.levels[a.level])}.${shown ? '' : ` ${SHOWS_SHORTLY}`}`);
  },
});
