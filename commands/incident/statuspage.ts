import { z } from 'zod';
import { UserError } from '../../src/core/errors.js';
import { incidentRef } from '../../src/core/incident.js';
import { escapeMrkdwn, userRef } from '../../src/core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { formFromIncident } from '../../src/comms/fields.js';
import { commsModal } from '../../src/slack/blocks/comms-modal.js';
import { defineCommand } from '../../src/slack/command.js';
import { snapshotOf } from '../../src/slack/comms.js';
import { openThenFill } from '../../src/slack/open-modal.js';

const usage = '/incident statuspage [INC-n] [publish]';
const COMMS = 'communications_coordinator';

export default defineCommand({
  path: ['incident', 'statuspage'],
  summary: 'Open the status-page template\'s draft for an incident (edit, Preview, submit publishes that text); `publish` publishes as it stands (L3–L4 only when asked; drills never)',
  usage,
  allowedRoles: [INCIDENT_COMMANDER, COMMS],
  examples: ['/incident statuspage INC-7', '/incident statuspage INC-7 publish'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    if (words.length > 1 || (words[0] !== undefined && words[0].toLowerCase() !== 'publish')) throw new UserError(`"${escapeMrkdwn(words.join(' '))}" is not something statuspage does; say \`publish\` or nothing.`, usage);
    return { ref, publish: words[0] !== undefined };
  },
  args: z.object({ ref: z.string().optional(), publish: z.boolean() }),
  handle: async (ctx, a) => {
    const sp = ctx.statusPage;
    if (!sp) throw new UserError('No status page is configured: set `statuspage` (pageId, tokenEnv, components) in the policy.', usage);
    if (a.publish) {
      const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
      const ref = incidentRef(inc.id);
      await sp.request(inc, ctx.userId);
      await ctx.reply(`*${ref}* will be published to the status page (at most one request a second); the card links to it once it is public.`);
      return;
    }
    // The status-page template's form, pre-filled from the incident: Preview shows the text; submit publishes it.
    // Opened first (the trigger expires in 3 s), filled once the incident is read.
    await openThenFill(ctx.slack, ctx.triggerId!, async () => {
      const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
      const p = sp.desired(inc);
      const s = await sp.standing(inc);
      const where = inc.drill
        ? ':test_tube: A drill: never published; submitting posts the draft to the thread only.'
        : s.published
          ? `Published: <${s.published}|public incident>; submitting replaces its text with this one.`
          : s.auto || s.requestedBy
            ? `Publishing${s.requestedBy ? ` (asked by ${userRef(s.requestedBy)})` : ` (L${inc.level} publishes on its own)`}; submitting publishes this text.`
            : `Not published: L${inc.level} publishes only when asked — submitting this form asks.`;
      const comps = p.component_ids.length ? Object.entries(p.components).map(([id, st]) => `\`${id}\` ${st.replace(/_/g, ' ')}`).join(', ') : '_no component mapped (policy `statuspage.components`)_';
      const line = `*Status page* · ${p.status} · impact ${p.impact_override} · components: ${comps}\n${where}`;
      return commsModal('status-page', inc, ctx.policy, formFromIncident('status-page', inc, ctx.incidents.cadence(inc)), snapshotOf(inc, 'status-page', ctx.channelId, line));
    });
  },
});
