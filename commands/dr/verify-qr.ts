import { z } from 'zod';
import { INCIDENT_COMMANDER } from '../../src/core/roles.js';
import { UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { dataTarget, platformUrl } from '../../src/runbooks/recovery/data-target.js';
import { qrLine } from '../../src/runbooks/recovery/recover-partners.js';
import { defineCommand } from '../../src/slack/command.js';

const usage = '/dr verify-qr';

// Read-only (one READ ONLY transaction), so it answers at once like /dr verify-integrity.
export default defineCommand({
  path: ['dr', 'verify-qr'],
  summary: 'Count the QR codes whose partner is missing and the partners with no code (the procedures\' QR integrity SQL, read-only)',
  usage,
  allowedRoles: [INCIDENT_COMMANDER, 'dba', 'technical_lead'],
  examples: ['/dr verify-qr'],
  input: (t, policy) => {
    if (t.positionals.length > 0 || Object.keys(t.flags).length > 0) throw new UserError('`/dr verify-qr` takes no arguments.', usage);
    dataTarget(policy);
    return {};
  },
  args: z.object({}),
  handle: async (ctx) => {
    const { connectionEnv, data } = dataTarget(ctx.policy);
    let q;
    try {
      q = await ctx.infra.data.qrCounts(platformUrl(ctx, connectionEnv), { partners: data.partners.partnersTable, qr: data.partners.qrTable });
    } catch (err) {
      throw new UserError(`The platform database does not answer (${escapeMrkdwn((err as Error).message)}); nothing was counted.`);
    }
    const ok = q.withoutPartner === 0 && q.partnersWithoutCode === 0;
    const next = q.partnersWithoutCode ? ' `/dr regenerate-qr --missing-only` makes the missing codes.' : '';
    await ctx.reply(`${ok ? ':white_check_mark:' : ':x:'} *Partner QR codes*: ${qrLine(q)}.${next}`);
  },
});
