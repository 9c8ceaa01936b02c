import { z } from 'zod';
import { ANY_ROLE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { incidentRef } from '../../src/core/incident.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { incidentForFollowUp } from '../../src/followups/lookup.js';
import { followUpItem } from '../../src/slack/blocks/follow-ups.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident followups [INC-n] [export]';

export default defineCommand({
  path: ['incident', 'followups'],
  summary: "List an incident's follow-ups; `export` makes a GitHub issue of each one not yet exported (once)",
  usage,
  allowedRoles: [ANY_ROLE],
  examples: ['/incident followups INC-7', '/incident followups INC-7 export'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    if (words.length > 1 || (words[0] !== undefined && words[0].toLowerCase() !== 'export')) throw new UserError(`"${words.join(' ')}" is not something followups does; say \`export\` or nothing.`, usage);
    return { ref, export: words[0] !== undefined };
  },
  args: z.object({ ref: z.string().optional(), export: z.boolean() }),
  handle: async (ctx, a) => {
    const inc = await incidentForFollowUp(ctx.store, ctx.channelId, a.ref, usage);
    const ref = incidentRef(inc.id);
    if (a.export) {
      if (!ctx.followUps.exportConfigured) throw new UserError('No issue tracker is configured: set `followUps.github` (repo, tokenEnv) in the policy.', usage);
      const r = await ctx.followUps.export(inc.id);
      await ctx.reply(r.queued === 0 ? `Every follow-up of *${ref}* is already exported.` : `Exporting ${r.queued} follow-up${r.queued === 1 ? '' : 's'} of *${ref}* to GitHub${r.already ? ` (${r.already} already there)` : ''}; each gets its issue link here when done.`);
      return;
    }
    const { items, syncError } = await ctx.followUps.listSynced(inc.id);
    const stale = syncError ? `\n_States of exported items could not be read from GitHub (${escapeMrkdwn(syncError)}); shown as last known._` : '';
    await ctx.reply(items.length ? `*Follow-ups of ${ref}*\n${items.map(followUpItem).join('\n')}${stale}` : `*${ref}* has no follow-ups yet: \`/incident followup ${ref} <text> [@owner] [--due YYYY-MM-DD]\`.`);
  },
});
