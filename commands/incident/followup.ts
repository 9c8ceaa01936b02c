import { z } from 'zod';
import { ANY_ROLE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { checkDueNotPast, parseFollowUp } from '../../src/core/follow-up.js';
import { incidentRef } from '../../src/core/incident.js';
import { userRef } from '../../src/core/mrkdwn.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { incidentForFollowUp } from '../../src/followups/lookup.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident followup [INC-n] <text> [@owner] [--due YYYY-MM-DD]';

export default defineCommand({
  path: ['incident', 'followup'],
  summary: 'Record a follow-up (action item) with an owner and a due date; listed on the card after resolve and in the postmortem',
  usage,
  allowedRoles: [ANY_ROLE],
  examples: ['/incident followup INC-7 Alert on replica lag above 30 s @dmitri --due 2026-12-15', '/incident followup Move the TLS certificate renewal into the runbook'],
  input: (t) => {
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    const { due, ...unknown } = t.flags;
    const extra = Object.keys(unknown);
    if (extra.length > 0) throw new UserError(`Unknown option --${extra[0]}.`, usage);
    if (words.length === 0) throw new UserError('Say what should be done.', usage);
    return { ref, ...parseFollowUp(words, due) };
  },
  args: z.object({ ref: z.string().optional(), text: z.string(), owner: z.string().optional(), due: z.string().optional() }),
  handle: async (ctx, a) => {
    if (a.due) checkDueNotPast(a.due, ctx.clock.now());
    const inc = await incidentForFollowUp(ctx.store, ctx.channelId, a.ref, usage);
    if (inc.status === 'closed') throw new UserError(`${incidentRef(inc.id)} is closed; add follow-ups before it is closed, or to a newer incident.`, usage);
    const f = await ctx.followUps.add(inc, { text: a.text, owner: a.owner, due: a.due }, ctx.userId);
    await ctx.reply(`Follow-up *F${f.id}* recorded for *${incidentRef(inc.id)}*${f.owner ? `, owned by ${userRef(f.owner)}` : ' (no owner yet)'}${f.due ? `, due ${f.due}` : ''}.`);
  },
});
