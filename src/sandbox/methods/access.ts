/**
 * Who may touch which conversation, as Slack decides it for a bot token:
 * - a channel NAME works only where Slack documents it (chat.postMessage, chat.postEphemeral) and only for
 *   public channels; every other method, and every private channel, takes the ID;
 * - a private channel the bot is not in does not exist for it (channel_not_found);
 * - posting in a public channel the bot is not in needs chat:write.public, else not_in_channel;
 * - history, replies and file shares need membership (not_in_channel);
 * - each method needs the scope of the conversation's kind (missing_scope, with `needed` and `provided`).
 */
import { METHOD_SCOPES, type ConversationKind } from '../../slack/scopes.js';
import type { Channel } from '../types.js';
import { SlackApiError } from '../types.js';
import type { ApiContext } from './context.js';

export function kindOf(c: Channel): ConversationKind {
  return c.is_im ? 'im' : c.is_private ? 'private' : 'public';
}

export function isMember(ctx: ApiContext, c: Channel): boolean {
  return (c.members ?? []).includes(ctx.botUserId);
}

/** Slack's missing_scope answer: the first scope lacking, and every scope the token has. */
export function missingScope(ctx: ApiContext, needed: string): SlackApiError {
  return new SlackApiError('missing_scope', { needed, provided: [...ctx.scopes].join(',') });
}

export function requireScopes(ctx: ApiContext, scopes: readonly string[]): void {
  const lacking = scopes.find((s) => !ctx.scopes.has(s));
  if (lacking) throw missingScope(ctx, lacking);
}

/** The scopes `method` needs on a conversation of this kind (those it needs whatever the kind are checked before it runs). */
export function requireKindScopes(ctx: ApiContext, method: string, kind: ConversationKind): void {
  requireScopes(ctx, METHOD_SCOPES[method]?.[kind] ?? []);
}

/** A conversation by ID as the bot sees it: private channels it is not in are not found. */
export function conversationById(ctx: ApiContext, method: string, ref: unknown): Channel {
  const c = typeof ref === 'string' ? ctx.state.channels.get(ref) : undefined;
  if (!c || (c.is_private && !c.is_im && !isMember(ctx, c))) throw new SlackApiError('channel_not_found');
  requireKindScopes(ctx, method, kindOf(c));
  return c;
}

/** A conversation the bot reads or shares files into: by ID, and the bot must be in it. */
export function memberConversation(ctx: ApiContext, method: string, ref: unknown): Channel {
  const c = conversationById(ctx, method, ref);
  if (!isMember(ctx, c)) throw new SlackApiError('not_in_channel');
  return c;
}

/**
 * Where chat.postMessage / chat.postEphemeral may post: an ID, a public channel's name (`name` or `#name`),
 * or — postMessage only — a user ID, meaning the app's DM with that user.
 */
export function postTarget(ctx: ApiContext, method: string, ref: unknown, o: { userIdIsDm: boolean }): Channel {
  if (typeof ref !== 'string' || !ref) throw new SlackApiError('channel_not_found');
  let c = ctx.state.channels.get(ref);
  if (!c && o.userIdIsDm && ctx.state.users.has(ref)) c = ctx.state.openIm(ref);
  if (!c) {
    const name = ref.replace(/^#/, '');
    c = [...ctx.state.channels.values()].find((x) => !x.is_im && !x.is_private && x.name === name);
  }
  if (!c || (c.is_private && !c.is_im && !isMember(ctx, c))) throw new SlackApiError('channel_not_found');
  requireKindScopes(ctx, method, kindOf(c));
  if (!isMember(ctx, c) && !(kindOf(c) === 'public' && ctx.scopes.has('chat:write.public'))) throw new SlackApiError('not_in_channel');
  return c;
}

/** Slack pages lists with an opaque cursor; ours is the offset, base64-encoded like Slack's look. */
export function page<T>(items: T[], args: Record<string, unknown>, defaultLimit = 100): { items: T[]; next_cursor: string } {
  const limit = Math.max(1, Math.min(Number(args.limit ?? defaultLimit) || defaultLimit, 1000));
  const from = typeof args.cursor === 'string' && args.cursor ? Number(Buffer.from(args.cursor, 'base64').toString('utf8').replace(/^offset:/, '')) || 0 : 0;
  const slice = items.slice(from, from + limit);
  const next = from + limit < items.length ? Buffer.from(`offset:${from + limit}`).toString('base64') : '';
  return { items: slice, next_cursor: next };
}
