import { z } from 'zod';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { checkIntegrity } from '../../src/runbooks/recovery/integrity.js';
import { checkReport } from '../../src/slack/blocks/check-report.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr verify-integrity';

// Read-only (a READ ONLY transaction), so it answers at once like /dr health rather than asking for a confirmation.
export default defineCommand({
  path: ['dr', 'verify-integrity'],
  summary: 'Run the integrity SQL on the platform database: last 24 h totals, orphans, QR codes without a partner, missing transactions (read-only)',
  usage,
  allowedRoles: [INCIDENT_COMMANDER, 'dba', 'technical_lead'],
  examples: ['/dr verify-integrity'],
  input: (t, policy) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`/dr verify-integrity` takes no arguments.', usage);
    if (!policy.targets.database?.connectionEnv) throw new UserError('The policy names no platform database (`targets.database.connectionEnv` in dr-policy.yml), so there is nothing to check.');
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    const env = ctx.policy.targets.database!.connectionEnv!;
    const url = ctx.infra.env(env);
    if (!url) throw new UserError(`The environment variable ${env} (how to reach the platform database) is not set on the bot.`);
    let report;
    try {
      report = await checkIntegrity(ctx.policy, ctx.infra, url);
    } catch (err) {
      throw new UserError(`The platform database does not answer (${escapeMrkdwn((err as Error).message)}); no check ran.`);
    }
    const ms = ctx.policy.targets.database!.integrity.statementTimeout;
    await ctx.reply(checkReport('Data integrity', report.results, { totalMs: report.totalMs, at: ctx.clock.now(), note: `read-only transaction, ${ms} ms statement timeout` }));
  },
});
