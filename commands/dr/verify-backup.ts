import { z } from 'zod';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { verifyBackup } from '../../src/runbooks/recovery/backup.js';
import { rdsDatabase } from '../../src/runbooks/recovery/restore-db.js';
import { checkReport } from '../../src/slack/blocks/check-report.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr verify-backup';

// Read-only (DescribeDBSnapshots), so it answers at once like /dr health rather than asking for a confirmation.
export default defineCommand({
  path: ['dr', 'verify-backup'],
  summary: "The newest automated RDS snapshot's status and age against the policy's limit (read-only)",
  usage,
  allowedRoles: [INCIDENT_COMMANDER, 'dba', 'technical_lead', 'infrastructure_engineer'],
  examples: ['/dr verify-backup'],
  input: (t, policy) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`/dr verify-backup` takes no arguments.', usage);
    rdsDatabase(policy);
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    let r;
    try {
      r = await verifyBackup(ctx);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`RDS did not answer (${escapeMrkdwn((err as Error).message)}); the backups were not checked.`);
    }
    await ctx.reply(checkReport('Backups', r.results, { totalMs: r.totalMs, at: ctx.clock.now(), note: r.note }));
  },
});
