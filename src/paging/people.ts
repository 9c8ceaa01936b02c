import type { WebClient } from '@slack/web-api';
import { UserError } from '../core/errors.js';

/** A page or an on-call override must reach a person: check with Slack before anything is written. */
export async function checkPerson(slack: WebClient, user: string, usage?: string): Promise<void> {
  let info;
  try {
    info = await slack.users.info({ user });
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found') throw new UserError(`There is no user ${user} in this workspace.`, usage);
    throw err;
  }
  if (info.user?.deleted) throw new UserError(`<@${user}> has been deactivated in this workspace.`, usage);
  if (info.user?.is_bot) throw new UserError(`<@${user}> is a bot; pages go to people.`, usage);
}
