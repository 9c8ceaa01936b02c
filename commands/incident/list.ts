import { z } from 'zod';
import { EVERYONE } from '../../src/core/authz.js';
import { formatDuration } from '../../src/core/duration.js';
import { UserError } from '../../src/core/errors.js';
import { incidentRef, statusLabel } from '../../src/core/incident.js';
import { levelLabel } from '../../src/core/levels.js';
import { escapeMrkdwn, userRef } from '../../src/core/mrkdwn.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident list';

export default defineCommand({
  path: ['incident', 'list'],
  summary: 'List the open incidents, most severe first (only you see it)',
  usage,
  allowedRoles: [EVERYONE],
  input: (t) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`list` takes no arguments.', usage);
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    const open = await ctx.store.incidents.listOpen();
    if (open.length === 0) return ctx.reply(':white_check_mark: No open incidents.');
    const now = ctx.clock.now().getTime();
    const lines = open.slice(0, 40).map((i) => {
      const l = ctx.policy.levels[i.level];
      const ic = i.roles.incident_commander;
      return `${l.emoji} *${incidentRef(i.id)}* ${levelLabel(i.level, l)}${i.drill ? ' [DRILL]' : ''} · ${escapeMrkdwn(i.title)} · ${statusLabel(i.status)} · open ${formatDuration(now - i.declaredAt.getTime())}${ic ? ` · IC ${userRef(ic)}` : ''}`;
    });
    const more = open.length > 40 ? `\n…and ${open.length - 40} more.` : '';
    await ctx.reply(`*${open.length} open incident${open.length === 1 ? '' : 's'}*\n${lines.join('\n')}${more}`);
  },
});
