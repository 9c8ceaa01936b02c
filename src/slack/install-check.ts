/**
 * The start-up self-check, run before anything listens: INCIDENT_CHANNEL (a name or an ID) is turned into
 * the channel's ID — private channels included —, the bot must be in it, and the token must carry the
 * scopes that channel's kind needs. Each problem is one line naming the fix, because the alternative is a
 * bot that starts "fine" and then fails its first incident with channel_not_found or missing_scope.
 */
import type { WebClient } from '@slack/web-api';
import { neededScopes, whyScope, type ConversationKind } from './scopes.js';

export class SlackSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlackSetupError';
  }
}

export interface IncidentChannel {
  id: string;
  name: string;
  kind: Exclude<ConversationKind, 'im'>;
}

interface ChannelInfo {
  id?: string;
  name?: string;
  is_private?: boolean;
  is_member?: boolean;
  is_archived?: boolean;
  is_im?: boolean;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;
const APP_SETTINGS = 'api.slack.com/apps → your app → OAuth & Permissions (or manifest.yml)';

export async function checkSlackInstall(slack: WebClient, channelRef: string): Promise<IncidentChannel & { scopes?: string[] }> {
  const auth = await call(slack, 'auth.test', () => slack.auth.test());
  const granted = auth.response_metadata?.scopes;
  const bot = auth.user ? `@${auth.user}` : 'the bot';
  // Finding the channel needs these whatever it turns out to be; say so before Slack's missing_scope does.
  if (granted) requireScopes(granted, CHANNEL_ID.test(channelRef) ? [] : ['channels:read', 'groups:read']);

  const channel = CHANNEL_ID.test(channelRef) ? await byId(slack, channelRef, bot) : await byName(slack, channelRef.replace(/^#/, ''), bot);
  const label = `#${channel.name ?? channelRef}`;
  if (channel.is_im) throw new SlackSetupError(`INCIDENT_CHANNEL ${channelRef} is a direct message, not a channel: set it to the incident channel's name or ID.`);
  if (channel.is_archived) throw new SlackSetupError(`INCIDENT_CHANNEL ${label} is archived: unarchive it, or set INCIDENT_CHANNEL to another channel.`);
  if (!channel.is_member) throw new SlackSetupError(`${bot} is not a member of ${label}: invite it there (type /invite ${bot} in ${label}), then restart.`);
  const kind = channel.is_private ? 'private' : 'public';
  if (granted) requireScopes(granted, [...neededScopes([kind, 'im'])]);
  return { id: channel.id!, name: channel.name ?? channelRef, kind, ...(granted ? { scopes: granted } : {}) };
}

function requireScopes(granted: readonly string[], needed: readonly string[]): void {
  const missing = needed.filter((s) => !granted.includes(s));
  if (missing.length === 0) return;
  const why = missing.map((s) => `${s} (${whyScope(s)})`).join(', ');
  throw new SlackSetupError(`The Slack app lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: add ${missing.length > 1 ? 'them' : 'it'} in ${APP_SETTINGS} and reinstall the app. Needed for: ${why}.`);
}

async function byId(slack: WebClient, id: string, bot: string): Promise<ChannelInfo> {
  try {
    const r = await slack.conversations.info({ channel: id });
    return r.channel as ChannelInfo;
  } catch (err) {
    // Slack hides a private channel from a bot that is not in it: not found and not invited look alike.
    if (slackError(err) === 'channel_not_found') {
      throw new SlackSetupError(`INCIDENT_CHANNEL ${id} was not found: check the ID, and if it is a private channel invite ${bot} to it (/invite ${bot}).`);
    }
    throw setupErrorFrom(err, 'conversations.info');
  }
}

async function byName(slack: WebClient, name: string, bot: string): Promise<ChannelInfo> {
  let cursor: string | undefined;
  do {
    const page = await call(slack, 'conversations.list', () =>
      slack.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 200, ...(cursor ? { cursor } : {}) }),
    );
    const hit = (page.channels as ChannelInfo[] | undefined)?.find((c) => c.name === name);
    if (hit) return hit;
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  throw new SlackSetupError(
    `INCIDENT_CHANNEL #${name} was not found among the channels ${bot} can see: create it, or if it is private invite ${bot} to it (/invite ${bot}) — a private channel is only visible to the bot once it is a member.`,
  );
}

async function call<T>(slack: WebClient, method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw setupErrorFrom(err, method);
  }
}

function slackError(err: unknown): string | undefined {
  return (err as { data?: { error?: string } }).data?.error;
}

function setupErrorFrom(err: unknown, method: string): Error {
  const data = (err as { data?: { error?: string; needed?: string } }).data;
  if (data?.error === 'missing_scope' && data.needed) {
    return new SlackSetupError(`The Slack app lacks the scope ${data.needed} (${method}): add it in ${APP_SETTINGS} and reinstall the app.`);
  }
  if (data?.error === 'invalid_auth' || data?.error === 'not_authed' || data?.error === 'account_inactive' || data?.error === 'token_revoked') {
    return new SlackSetupError(`Slack refused SLACK_BOT_TOKEN (${data.error}): copy the Bot User OAuth Token (xoxb-…) of the installed app again.`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
