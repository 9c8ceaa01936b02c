import type { WebClient } from '@slack/web-api';
import { UserError } from '../core/errors.js';

/** A role held by an id nobody has is worse than no role: check with Slack before writing anything. */
export async function checkUserExists(slack: WebClient, user: string, usage?: string): Promise<void> {
  try {
    const r = await slack.users.info({ user });
    if (r.user?.deleted) throw new UserError(`<@${user}> has been deactivated in this workspace.`, usage);
    if (r.user?.is_bot) throw new UserError(`<@${user}> is a bot; roles go to people.`, usage);
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found') throw new UserError(`There is no user ${user} in this workspace.`, usage);
    throw err;
  }
}
