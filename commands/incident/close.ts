import { z } from 'zod';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { UserError } from '../../src/core/errors.js';
import { TEXT_MAX, incidentRef } from '../../src/core/incident.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident close [INC-n] <reason>';

export default defineCommand({
  path: ['incident', 'close'],
  summary: 'Close a resolved incident whose checklist is not complete, with the reason (Incident Commander)',
  usage,
  allowedRoles: [INCIDENT_COMMANDER],
  examples: ['/incident close INC-7 Mobile app check moved to the postmortem'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    const reason = words.join(' ').trim();
    if (reason.length > TEXT_MAX) throw new UserError(`The reason is ${reason.length} characters long; the limit is ${TEXT_MAX}.`, usage);
    return { ref, reason };
  },
  args: z.object({ ref: z.string().optional(), reason: z.string() }),
  handle: async (ctx, a) => {
    const inc = a.ref ? await findIncident(ctx.store, ctx.channelId, a.ref, usage) : await findResolved(ctx, usage);
    await ctx.checklist.closeWithReason(inc, a.reason, ctx.userId);
    await ctx.reply(`*${incidentRef(inc.id)}* is closed.`);
  },
});

/** Without INC-n: the one resolved (not yet closed) incident, since open ones can't be closed. */
async function findResolved(ctx: { store: import('../../src/store/index.js').Store }, usage: string) {
  const r = await ctx.store.db.query<{ id: number }>("SELECT id FROM incidents WHERE status = 'resolved' ORDER BY id DESC LIMIT 2");
  if (r.rows.length !== 1) throw new UserError(r.rows.length ? 'Several incidents are resolved but not closed; name one.' : 'No incident is waiting to be closed.', usage);
  return (await ctx.store.incidents.get(r.rows[0]!.id))!;
}
