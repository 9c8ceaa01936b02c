import { z } from 'zod';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { formatDuration } from '../../src/core/duration.js';
import { UserError } from '../../src/core/errors.js';
import { TEXT_MAX, incidentRef } from '../../src/core/incident.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { defineCommand } from '../../src/slack/command.js';
import { commandKey, SHOWS_SHORTLY } from '../../src/slack/context.js';

const usage = '/incident resolve [INC-n] [summary]';

export default defineCommand({
  path: ['incident', 'resolve'],
  summary: 'Resolve an incident: the card shows resolved and how long it took',
  usage,
  allowedRoles: [INCIDENT_COMMANDER],
  examples: ['/incident resolve INC-7 Failover complete, error rate back to 0.02%'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    const summary = words.join(' ').trim();
    if (summary.length > TEXT_MAX) throw new UserError(`The summary is ${summary.length} characters long; the limit is ${TEXT_MAX}.`, usage);
    return { ref, summary };
  },
  args: z.object({ ref: z.string().optional(), summary: z.string() }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    const done = await ctx.incidents.resolve(inc.id, a.summary, ctx.userId, commandKey(ctx));
    const took = formatDuration(done.resolvedAt!.getTime() - done.declaredAt.getTime());
    const shown = await ctx.incidents.settled(inc.id);
    await ctx.reply(`*${incidentRef(inc.id)}* resolved after ${took}.${shown ? '' : ` ${SHOWS_SHORTLY}`}`);
  },
});
