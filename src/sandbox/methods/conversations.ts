/** conversations.* methods: channels as the bot sees them, members, history and threads. */
import { SlackApiError } from '../types.js';
import type { Channel, Message } from '../types.js';
import { str } from '../http-util.js';
import { conversationById, isMember, memberConversation, page, requireKindScopes } from './access.js';
import { apiMessage } from './chat.js';
import type { ApiContext, Args, MethodTable } from './context.js';

export function apiChannel(ctx: ApiContext, c: Channel): Record<string, unknown> {
  const members = c.members ?? [];
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.is_im && !c.is_private,
    is_group: !c.is_im && !!c.is_private,
    is_im: !!c.is_im,
    is_private: !!c.is_private,
    is_archived: false,
    is_member: members.includes(ctx.botUserId),
    created: Math.floor((c.created ?? Date.now()) / 1000),
    creator: ctx.botUserId,
    topic: { value: c.topic ?? '' },
    purpose: { value: c.purpose ?? '' },
    num_members: members.length,
    ...(c.is_im ? { user: c.name } : {}),
  };
}

/** Slack channel names: lower-case letters, digits, hyphens, underscores; at most 80. */
function checkName(ctx: ApiContext, raw: unknown): string {
  const name = str(raw) ?? '';
  if (!name) throw new SlackApiError('invalid_name_required');
  if (name.length > 80) throw new SlackApiError('invalid_name_maxlength');
  if (!/^[a-z0-9_-]+$/.test(name)) throw new SlackApiError('invalid_name_specials');
  if (ctx.state.findChannel(name) && !ctx.state.users.has(name)) throw new SlackApiError('name_taken');
  return name;
}

function list(v: unknown): string[] {
  return (str(v) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export const conversationMethods: MethodTable = {
  'conversations.create': {
    required: { name: 'invalid_name_required' },
    run(ctx, args) {
      const isPrivate = args.is_private === true || args.is_private === 'true';
      requireKindScopes(ctx, 'conversations.create', isPrivate ? 'private' : 'public');
      const name = checkName(ctx, args.name);
      const c: Channel = { id: ctx.state.newId('C'), name, is_private: isPrivate, members: [ctx.botUserId], created: Date.now() };
      ctx.state.channels.set(c.id, c);
      ctx.state.changed();
      return { channel: apiChannel(ctx, c) };
    },
  },

  'conversations.invite': {
    required: { channel: 'channel_not_found', users: 'invalid_arguments' },
    run(ctx, args) {
      const c = conversationById(ctx, 'conversations.invite', args.channel);
      if (!isMember(ctx, c)) throw new SlackApiError('not_in_channel');
      const users = list(args.users);
      if (users.length === 0) throw new SlackApiError('no_user');
      for (const u of users) ctx.state.user(u);
      const members = new Set(c.members ?? []);
      if (users.every((u) => members.has(u))) throw new SlackApiError('already_in_channel');
      c.members = [...new Set([...members, ...users])];
      ctx.state.changed();
      return { channel: apiChannel(ctx, c) };
    },
  },

  'conversations.join': {
    required: { channel: 'channel_not_found' },
    run(ctx, args) {
      const c = typeof args.channel === 'string' ? ctx.state.channels.get(args.channel) : undefined;
      if (!c || (c.is_private && !isMember(ctx, c))) throw new SlackApiError('channel_not_found');
      if (c.is_private || c.is_im) throw new SlackApiError('method_not_supported_for_channel_type');
      requireKindScopes(ctx, 'conversations.join', 'public');
      c.members = [...new Set([...(c.members ?? []), ctx.botUserId])];
      ctx.state.changed();
      return { channel: apiChannel(ctx, c) };
    },
  },

  'conversations.open': {
    required: { users: 'users_list_not_supplied' },
    run(ctx, args) {
      requireKindScopes(ctx, 'conversations.open', 'im');
      const [user] = list(args.users);
      ctx.state.user(user);
      return { channel: apiChannel(ctx, ctx.state.openIm(user!)) };
    },
  },

  'conversations.info': {
    required: { channel: 'channel_not_found' },
    run: (ctx, args) => ({ channel: apiChannel(ctx, conversationById(ctx, 'conversations.info', args.channel)) }),
  },

  'conversations.list': {
    run(ctx, args) {
      const types = new Set(list(args.types ?? 'public_channel'));
      // Each type asked for needs its read scope; private channels are listed only where the bot is a member.
      if (types.has('public_channel')) requireKindScopes(ctx, 'conversations.list', 'public');
      if (types.has('private_channel')) requireKindScopes(ctx, 'conversations.list', 'private');
      if (types.has('im')) requireKindScopes(ctx, 'conversations.list', 'im');
      const channels = [...ctx.state.channels.values()].filter((c) =>
        c.is_im ? types.has('im') : c.is_private ? types.has('private_channel') && isMember(ctx, c) : types.has('public_channel'),
      );
      const p = page(channels, args);
      return { channels: p.items.map((c) => apiChannel(ctx, c)), response_metadata: { next_cursor: p.next_cursor } };
    },
  },

  'conversations.members': {
    required: { channel: 'channel_not_found' },
    run: (ctx, args) => ({ members: conversationById(ctx, 'conversations.members', args.channel).members ?? [], response_metadata: { next_cursor: '' } }),
  },

  'conversations.history': {
    required: { channel: 'channel_not_found' },
    run(ctx, args) {
      const c = memberConversation(ctx, 'conversations.history', args.channel);
      // Slack returns newest first; `oldest` is exclusive unless `inclusive`; pages go on with the cursor.
      const p = page(ctx.state.channelMessages(c.id).filter((m) => afterOldest(m.ts, args)).slice().reverse(), args);
      return { messages: p.items.map((m) => withMetadata(m, args)), has_more: p.next_cursor !== '', response_metadata: { next_cursor: p.next_cursor } };
    },
  },

  'conversations.replies': {
    required: { channel: 'channel_not_found', ts: 'thread_not_found' },
    run(ctx, args) {
      const c = memberConversation(ctx, 'conversations.replies', args.channel);
      const parent = ctx.state.findMessage(c.id, str(args.ts) ?? '');
      if (!parent) throw new SlackApiError('thread_not_found');
      const root = parent.thread_ts && parent.thread_ts !== parent.ts ? ctx.state.findMessage(c.id, parent.thread_ts)! : parent;
      const replies = ctx.state.threadReplies(c.id, root.ts).filter((m) => afterOldest(m.ts, args));
      const p = page([root, ...replies], args);
      return { messages: p.items.map((m) => withMetadata(m, args)), has_more: p.next_cursor !== '', response_metadata: { next_cursor: p.next_cursor } };
    },
  },
};

function afterOldest(ts: string, args: Args): boolean {
  if (args.oldest === undefined || args.oldest === '') return true;
  const inclusive = args.inclusive === true || args.inclusive === 'true' || args.inclusive === '1';
  return inclusive ? Number(ts) >= Number(args.oldest) : Number(ts) > Number(args.oldest);
}

/** Slack leaves message metadata out of history unless the app asks for it. */
function withMetadata(m: Message, args: Args): Record<string, unknown> {
  const out = apiMessage(m);
  const asked = args.include_all_metadata === true || args.include_all_metadata === 'true' || args.include_all_metadata === '1';
  if (!asked) delete out.metadata;
  return out;
}
