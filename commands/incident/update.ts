import { z } from 'zod';
import { ANY_ROLE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { checkText } from '../../src/core/incident-input.js';
import { incidentRef, OPEN_STATUSES, parseStatus, statusLabel } from '../../src/core/incident.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { defineCommand } from '../../src/slack/command.js';
import { commandKey, SHOWS_SHORTLY } from '../../src/slack/context.js';

const usage = '/incident update [INC-n] <text> [--status investigating|identified|monitoring]';

export default defineCommand({
  path: ['incident', 'update'],
  summary: "Post a status update in the incident's thread and on its card",
  usage,
  allowedRoles: [ANY_ROLE],
  examples: ['/incident update INC-7 Replica promoted, apps repointed --status monitoring', '/incident update Root cause found: expired TLS cert --status identified'],
  input: (t) => {
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    const { status, ...unknown } = t.flags;
    const extra = Object.keys(unknown);
    if (extra.length > 0) throw new UserError(`Unknown option --${extra[0]}.`, usage);
    let parsed;
    if (status !== undefined) {
      parsed = typeof status === 'string' ? parseStatus(status) : undefined;
      if (!parsed) throw new UserError(`"${escapeMrkdwn(String(status))}" is not a status; use ${OPEN_STATUSES.join(', ')}.`, usage);
    }
    return { ref, text: checkText(words.join(' ')), status: parsed };
  },
  args: z.object({ ref: z.string().optional(), text: z.string(), status: z.enum(OPEN_STATUSES).optional() }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    const after = await ctx.incidents.update(inc.id, { text: a.text, status: a.status }, ctx.userId, commandKey(ctx));
    const status = `(status: ${statusLabel(after.status)})`;
    if (await ctx.incidents.settled(inc.id)) await ctx.reply(`Update posted to *${incidentRef(inc.id)}* ${status}.`);
    else await ctx.reply(`Update to *${incidentRef(inc.id)}* ${status}: ${SHOWS_SHORTLY}`);
  },
});
