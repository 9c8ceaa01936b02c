import { z } from 'zod';
import { ANY_ROLE } from '../../src/core/authz.js';
import { exportPostmortem } from '../../src/comms/export.js';
import { UserError } from '../../src/core/errors.js';
import { incidentRef } from '../../src/core/incident.js';
import { findIncident } from '../../src/incidents/lookup.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident timeline [INC-n]';

export default defineCommand({
  path: ['incident', 'timeline'],
  summary: "Upload a markdown postmortem draft (every timeline event, times against the objectives) to the incident's thread",
  usage,
  allowedRoles: [ANY_ROLE],
  examples: ['/incident timeline INC-7'],
  input: (t) => {
    if (t.positionals.length > 1 || Object.keys(t.flags).length > 0) throw new UserError('Name at most one incident.', usage);
    return { ref: t.positionals[0] };
  },
  args: z.object({ ref: z.string().optional() }),
  handle: async (ctx, a) => {
    // Any incident, open or closed: the postmortem is written after the fact.
    const inc = a.ref ? await findIncident(ctx.store, ctx.channelId, a.ref, usage) : await findIncident(ctx.store, ctx.channelId, undefined, usage);
    const markdown = (await exportPostmortem(ctx.store, ctx.policy, inc.id, ctx.clock.now()))!;
    const ref = incidentRef(inc.id);
    // Into the incident channel (by ID, where the bot is a member), never wherever the command was typed:
    // a DM or a channel the bot is not in would refuse the upload, or show the draft to the wrong people.
    await ctx.slack.filesUploadV2({
      channel_id: inc.channelId ?? ctx.config.INCIDENT_CHANNEL,
      ...(inc.cardTs ? { thread_ts: inc.cardTs } : {}),
      filename: `${ref}-postmortem.md`,
      title: `${ref} postmortem draft`,
      content: markdown,
      initial_comment: `:page_facing_up: Postmortem draft for ${ref}, prepared by <@${ctx.userId}>.`,
    } as never);
    await ctx.reply(inc.cardTs ? `The postmortem draft for *${ref}* is in its thread.` : `The postmortem draft for *${ref}* is in <#${inc.channelId ?? ctx.config.INCIDENT_CHANNEL}>.`);
  },
});
