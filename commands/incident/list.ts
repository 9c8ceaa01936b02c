import { z } from 'zod';
import { formatDuration } from '../../src/core/duration.js';
import { UserError } from '../../src/core/errors.js';
import { incidentRef, statusLabel } from '../../src/core/incident.js';
import { levelLabel } from '../../src/core/levels.js';
import { escapeMrkdwn, userRef } from '../../src/core/mrkdwn.js';
import { fitLines } from '../../src/core/slack-text.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/incident list';

export default defineCommand({
  path: ['incident', 'list'],
  summary: 'List the open incidents, most severe first (only you see it)',
  usage,
  input: (t) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`list` takes no arguments.', usage);
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    const open = await ctx.store.incidents.listOpen();
    if (open.length === 0) return ctx.reply(':white_check_mark: No open incidents.');
    const now = ctx.clock.now().getTime();
    const lines = open.map((i) => {
      const l = ctx.policy.levels[i.level];
      const ic = i.roles.incident_commander;
      return `${l.emoji} *${incidentRef(i.id)}* ${levelLabel(i.level, l)}${i.drill ? ' [DRILL]' : ''} · ${escapeMrkdwn(i.title)} · ${statusLabel(i.status)} · open ${formatDuration(now - i.declaredAt.getTime())}${ic ? ` · IC ${userRef(ic)}` : ''}`;
    });
    // One message within Slack's 4,000 characters: the most severe first, then how many more there are.
    const head = `*${open.length} open incident${open.length === 1 ? '' : 's'}*`;
    await ctx.reply(fitLines(head, lines, (n) => `…and ${n} more (less severe or newer): the App Home tab and \`/incident status INC-n\` show each.`));
  },
});
