import { z } from 'zod';
import { restoreTestNow } from '../../src/runbooks/recovery/restore-test-jobs.js';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { verifyBackup } from '../../src/runbooks/recovery/backup.js';
import { rdsDatabase } from '../../src/runbooks/recovery/restore-db.js';
import { checkReport } from '../../src/slack/blocks/check-report.js';
import { defineCommand } from '../../src/slack/command.js';
import { rdsUnreachable } from '../../src/runbooks/target-hints.js';
import { rdsDefaults } from '../../src/runbooks/policy-schema.js';

const usage = '/dr verify-backup [--restore-test]';

// Read-only (DescribeDBSnapshots), so it answers at once like /dr health rather than asking for a confirmation.
export default defineCommand({
  path: ['dr', 'verify-backup'],
  summary: "The newest automated RDS snapshot's status and age against the policy's limit (read-only)",
  usage,
  allowedRoles: [INCIDENT_COMMANDER, 'dba', 'technical_lead', 'infrastructure_engineer'],
  examples: ['/dr verify-backup', '/dr verify-backup --restore-test'],
  booleanFlags: ['restore-test'],
  input: (t, policy) => {
    const other = Object.keys(t.flags).filter((f) => f !== 'restore-test');
    if (t.positionals.length > 0 || other.length > 0) throw new UserError('`/dr verify-backup` takes no arguments but `--restore-test`.', usage);
    const restoreTest = t.flags['restore-test'] === true;
    // The restore test also runs on self-managed PostgreSQL (a pg_dump restored); the snapshot check is RDS's.
    if (!restoreTest || policy.targets.database?.provider !== 'postgres') rdsDatabase(policy);
    if (restoreTest && !policy.targets.database?.restoreTest) throw new UserError('The policy has no restore test (`targets.database.restoreTest` in dr-policy.yml: the scratch instance, the report channel).', usage);
    return { restoreTest };
  },
  args: z.object({ restoreTest: z.boolean().default(false) }),
  handle: async (ctx, a) => {
    if (a.restoreTest) {
      // The test takes as long as a restore (hours on real data): it runs as a job, and reports to its channel.
      const cfg = ctx.policy.targets.database!.restoreTest!;
      const what = ctx.policy.targets.database!.provider === 'postgres' ? `the newest pg_dump in ${cfg.backupDir} goes into the scratch database ${cfg.database}, is checked and dropped` : `the newest snapshot goes into the scratch instance ${cfg.instance}, is checked and deleted`;
      await restoreTestNow({ db: ctx.store.db, clock: ctx.clock }, `${ctx.clock.now().getTime().toString(36)}-${ctx.userId}`);
      await ctx.reply(`Restore test started: ${escapeMrkdwn(what)}. The report goes to ${cfg.channel ? cfg.channel : 'the incident channel'}; a failure opens an L${cfg.failureLevel} incident.`);
      return;
    }
    let r;
    try {
      r = await verifyBackup(ctx);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw rdsUnreachable(ctx.infra, ctx.policy.targets.rds ?? rdsDefaults, 'the backups', err, 'the backups were not checked');
    }
    await ctx.reply(checkReport('Backups', r.results, { totalMs: r.totalMs, at: ctx.clock.now(), note: r.note }));
  },
});
