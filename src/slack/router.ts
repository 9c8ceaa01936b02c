import type { App, RespondFn } from '@slack/bolt';
import { UserError, userMessage } from '../core/errors.js';
import { unescapeSlackText } from '../core/mrkdwn.js';
import type { Metrics } from '../observability/metrics.js';
import { helpBlocks } from './blocks/help.js';
import type { CommandContext, Deps, Invocation } from './context.js';
import type { CommandRegistry } from './registry.js';
import { refusalBeforeRows } from './authorize.js';

/**
 * Work accepted but not finished, per process. Past this, a command is refused at the ack ("busy,
 * nothing done") instead of being accepted and then failing while it waits for a database connection.
 */
export const MAX_IN_FLIGHT = 200;

/** One listener per root (`/incident`, `/dr`, `/oncall`): parse (pure) → ack → run. */
export function registerCommands(app: App, registry: CommandRegistry, deps: Deps, metrics: Metrics): void {
  let inFlight = 0;
  for (const root of registry.roots()) {
    app.command(`/${root}`, async ({ command, ack, respond }) => {
      if (inFlight >= MAX_IN_FLIGHT) {
        metrics.commands.inc({ command: root, outcome: 'busy' });
        await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: The bot is handling too many requests right now and did nothing with this one. Try again in a few seconds.' });
        return;
      }
      const text = unescapeSlackText(command.text ?? '');
      // Who may use it is checked before its input is even read (fail closed: no declaration, no use).
      const target = registry.target(root, text);
      const refused = target && refusalBeforeRows(deps.policy, command.user_id, target.allowedRoles, `\`/${root} ${target.path[1]}\``);
      if (refused) {
        // Pure (the policy is in memory), so the refusal rides on the ack: nothing was read or written.
        metrics.commands.inc({ command: `${root} ${target.path[1]}`, outcome: 'forbidden' });
        deps.log.info({ command: `${root} ${target.path[1]}`, user: command.user_id }, 'command refused: no permission');
        await ack({ response_type: 'ephemeral', text: `:no_entry: ${refused}` });
        return;
      }
      let parsed;
      try {
        parsed = registry.parse(root, text, deps.policy);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        metrics.commands.inc({ command: root, outcome: 'rejected' });
        // Validation is pure, so its answer can ride on the ack itself: nothing was read or written.
        await ack({ response_type: 'ephemeral', text: `:warning: ${userMessage(err)}` });
        return;
      }
      if (parsed.kind === 'help') {
        await ack({ response_type: 'ephemeral', ...helpBlocks(root, registry.list(root)) } as never);
        return;
      }
      // Fail closed should the two lookups ever disagree: what runs is what was authorized.
      if (parsed.def !== target) throw new Error(`router: /${root} resolved to two different commands`);
      await ack();
      const name = `${root} ${parsed.def.path[1]}`;
      const ctx: CommandContext = { ...deps, ...invocation(command.user_id, command.channel_id, command.trigger_id, respond) };
      inFlight++;
      try {
        if (parsed.kind === 'modal') {
          await parsed.def.modal!(ctx, '');
        } else {
          await parsed.def.handle(ctx, parsed.args);
        }
      } finally {
        inFlight--;
      }
      metrics.commands.inc({ command: name, outcome: 'ok' });
    });
  }
}

export function invocation(userId: string, channelId: string, triggerId: string | undefined, respond: RespondFn): Invocation {
  return {
    userId,
    channelId,
    triggerId,
    reply: async (m) => {
      await respond(typeof m === 'string' ? { response_type: 'ephemeral', text: m } : { response_type: 'ephemeral', ...(m as { text: string }) });
    },
  };
}
