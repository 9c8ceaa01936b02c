import { z } from 'zod';
import { inIncident } from '../../src/core/authz.js';
import { authorizeOn } from '../../src/slack/authorize.js';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { UserError } from '../../src/core/errors.js';
import { incidentRef } from '../../src/core/incident.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { findIncident, looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { appendTimeline } from '../../src/store/timeline.js';
import { defineCommand } from '../../src/slack/command.js';

/** This incident's Incident Commander only: the cadence is their call. */
const REMIND_ROLES = [inIncident(INCIDENT_COMMANDER)];

const usage = '/incident remind [INC-n] <off|15m|30m|1h…>';
const MIN_MS = 60_000;
const MAX_MS = 86_400_000;

export default defineCommand({
  path: ['incident', 'remind'],
  summary: "Change how often the bot asks for a status update on one incident, or turn it off (Incident Commander)",
  usage,
  allowedRoles: REMIND_ROLES,
  examples: ['/incident remind INC-7 15m', '/incident remind INC-7 off'],
  input: (t) => {
    if (Object.keys(t.flags).length > 0) throw new UserError(`Unknown option --${Object.keys(t.flags)[0]}.`, usage);
    const words = [...t.positionals];
    const ref = looksLikeIncidentRef(words[0]) ? words.shift() : undefined;
    if (words.length !== 1) throw new UserError('Say the new cadence: off, or a duration like 15m.', usage);
    const said = words[0]!.toLowerCase();
    if (said === 'off') return { ref, everyMs: 0 };
    const ms = parseDuration(said);
    if (ms === undefined) throw new UserError(`"${escapeMrkdwn(words[0]!)}" is not a cadence; use off, or a duration like 15m, 30m or 1h.`, usage);
    if (ms < MIN_MS || ms > MAX_MS) throw new UserError(`A cadence must be between ${formatDuration(MIN_MS)} and ${formatDuration(MAX_MS)}, or off.`, usage);
    return { ref, everyMs: ms };
  },
  args: z.object({ ref: z.string().optional(), everyMs: z.number().int().min(0) }),
  handle: async (ctx, a) => {
    const inc = await findIncident(ctx.store, ctx.channelId, a.ref, usage);
    try {
      authorizeOn(ctx.policy, ctx.userId, REMIND_ROLES, { incidentRoles: inc.roles });
    } catch (err) {
      await appendTimeline(ctx.store.db, { incidentId: inc.id, at: ctx.clock.now(), actor: ctx.userId, kind: 'refused', data: { command: 'remind', reason: (err as Error).message } });
      throw err;
    }
    await ctx.incidents.setReminderCadence(inc.id, a.everyMs, ctx.userId);
    await ctx.reply(
      a.everyMs === 0
        ? `Reminders for *${incidentRef(inc.id)}* are off.`
        : `*${incidentRef(inc.id)}* will ask for an update every ${formatDuration(a.everyMs)}, counting from the last one.`,
    );
  },
});
