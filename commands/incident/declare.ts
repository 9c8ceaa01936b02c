import { z } from 'zod';
import { EVERYONE } from '../../src/core/authz.js';
import { UserError } from '../../src/core/errors.js';
import { checkServices, checkText, checkTitle } from '../../src/core/incident-input.js';
import { incidentRef } from '../../src/core/incident.js';
import { LEVEL_NUMBERS, levelLabel, parseLevel, type LevelNumber } from '../../src/core/levels.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import type { Policy } from '../../src/policy.js';
import { responseTime } from '../../src/slack/blocks/incident-card.js';
import { declareModal } from '../../src/slack/blocks/modals.js';
import { defineCommand } from '../../src/slack/command.js';
import { commandKey } from '../../src/slack/context.js';
import { chooseCommander } from '../../src/incidents/commander.js';

const usage = '/incident declare <L1-L4|critical|high|medium|low> <title> [--services a,b] [--description "…"] [--drill]';

const levelsHelp = (p: Policy) =>
  LEVEL_NUMBERS.map((n) => `L${n} ${p.levels[n].name} (${responseTime(p.levels[n].respondWithinMs).toLowerCase()})`).join(', ');

export default defineCommand({
  path: ['incident', 'declare'],
  summary: 'Declare an incident (anyone may): one card in the incident channel; you command it if the policy makes you an Incident Commander, else the on-call one does. No text opens a form.',
  usage,
  allowedRoles: [EVERYONE],
  examples: [
    '/incident declare L1 Payments failing at checkout --services payment-processing,api-gateway',
    '/incident declare high "Partner dashboard down" --description "502 from the load balancer since 10:02"',
    '/incident declare L3 DR drill: replica failover --drill',
  ],
  booleanFlags: ['drill'],
  input: (t, policy) => {
    const [first, ...rest] = t.positionals;
    const level = first === undefined ? undefined : parseLevel(first);
    if (level === undefined) {
      const said = first === undefined ? 'No level given.' : `"${escapeMrkdwn(first)}" is not a level.`;
      throw new UserError(`${said} Start with one of ${levelsHelp(policy)}.`, usage);
    }
    const { services, description, drill, ...unknown } = t.flags;
    const extra = Object.keys(unknown);
    if (extra.length > 0) throw new UserError(`Unknown option --${extra[0]}.`, usage);
    if (services === true) throw new UserError('--services needs a list, e.g. --services payment-processing,api-gateway.', usage);
    if (description === true) throw new UserError('--description needs a text in quotes.', usage);
    return {
      level,
      title: checkTitle(rest.join(' ')),
      services: services ? checkServices(services.split(',').map((s) => s.trim()).filter(Boolean), policy.services) : [],
      description: description ? checkText(description, 'The description') : '',
      drill: drill === true || drill === 'true',
    };
  },
  args: z.object({
    level: z.custom<LevelNumber>((v) => LEVEL_NUMBERS.includes(v as LevelNumber)),
    title: z.string().min(1),
    services: z.array(z.string()),
    description: z.string(),
    drill: z.boolean(),
  }),
  modal: async (ctx, text) => {
    await ctx.slack.views.open({ trigger_id: ctx.triggerId!, view: declareModal(ctx.policy, { channel: ctx.channelId, user: ctx.userId, title: text }) as never });
  },
  handle: async (ctx, a) => {
    // The trigger id is unique per invocation and the same in a redelivery: a retried request declares once.
    const { commander, instead } = await chooseCommander(ctx.policy, ctx.paging.oncall, ctx.userId);
    const declared = await ctx.incidents.declare({ ...a, commander }, ctx.userId, commandKey(ctx));
    if (!declared.created) return;
    const who = instead
      ? `<@${commander}> (on call) is Incident Commander: you hold no standing Incident Commander role in the policy, so declaring gave you no command.`
      : 'you are Incident Commander.';
    // The card is a job: wait a moment for it, and say honestly when Slack has not shown it yet.
    const incident = await ctx.incidents.waitForCard(declared.incident.id);
    if (!incident) {
      await ctx.reply(
        `Declared *${incidentRef(declared.incident.id)}* — ${who} It is recorded, but Slack has not shown its card yet; ` +
          'the bot keeps trying and the card (and the pages) follow shortly.',
      );
      return;
    }
    // In the incident channel the card itself is the answer; from elsewhere, say where it went.
    if (incident.channelId === ctx.channelId) {
      if (instead) await ctx.reply(`Declared *${incidentRef(incident.id)}*. ${who}`);
      return;
    }
    const level = ctx.policy.levels[incident.level];
    const link = await ctx.incidents.permalink(incident);
    await ctx.reply(
      `Declared *${incidentRef(incident.id)}* (${levelLabel(incident.level, level)}${incident.drill ? ', drill' : ''}) in <#${incident.channelId}> — ${who} ` +
        `Response time: ${responseTime(level.respondWithinMs).toLowerCase()}; escalation: ${escapeMrkdwn(level.escalation)}.${link ? ` <${link}|Open the card>` : ''}`,
    );
  },
});
