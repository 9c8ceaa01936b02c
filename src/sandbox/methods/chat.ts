/** chat.* methods: messages, thread replies, edits, ephemerals, permalinks. */
import { SlackApiError } from '../types.js';
import type { Message } from '../types.js';
import { bool, str } from '../http-util.js';
import { conversationById, postTarget } from './access.js';
import { messageContent, type ApiContext, type Args, type MethodTable } from './context.js';

export function apiMessage(m: Message): Record<string, unknown> {
  const { channel: _channel, ...rest } = m;
  return structuredClone(rest);
}

function ownMessage(ctx: ApiContext, method: string, args: Args): Message {
  const channel = conversationById(ctx, method, args.channel);
  const msg = ctx.state.findMessage(channel.id, str(args.ts) ?? '');
  if (!msg) throw new SlackApiError('message_not_found');
  if (msg.user !== ctx.botUserId) throw new SlackApiError('cant_update_message');
  return msg;
}

export const chatMethods: MethodTable = {
  'chat.postMessage': {
    required: { channel: 'channel_not_found' },
    run(ctx, args) {
      const channel = postTarget(ctx, 'chat.postMessage', args.channel, { userIdIsDm: true });
      const content = messageContent(ctx, args);
      const msg = ctx.state.post({
        channel: channel.id,
        user: ctx.botUserId,
        bot_id: ctx.botId,
        ...content,
        thread_ts: str(args.thread_ts) || undefined,
        reply_broadcast: bool(args.reply_broadcast),
        metadata: args.metadata,
      });
      return { channel: channel.id, ts: msg.ts, message: apiMessage(msg) };
    },
  },

  'chat.update': {
    required: { channel: 'channel_not_found', ts: 'message_not_found' },
    run(ctx, args) {
      const msg = ownMessage(ctx, 'chat.update', args);
      // Slack keeps the previous blocks/attachments when the update leaves them out.
      const content = messageContent(ctx, args, false);
      if (content.text !== undefined) msg.text = content.text;
      if (content.blocks !== undefined) msg.blocks = content.blocks;
      if (content.attachments !== undefined) msg.attachments = content.attachments;
      if (args.metadata !== undefined) msg.metadata = args.metadata;
      msg.edited = { user: ctx.botUserId, ts: ctx.state.nextTs() };
      ctx.state.changed();
      return { channel: msg.channel, ts: msg.ts, text: msg.text, message: apiMessage(msg) };
    },
  },

  'chat.delete': {
    required: { channel: 'channel_not_found', ts: 'message_not_found' },
    run(ctx, args) {
      const msg = ownMessage(ctx, 'chat.delete', args);
      ctx.state.deleteMessage(msg.channel, msg.ts);
      return { channel: msg.channel, ts: msg.ts };
    },
  },

  'chat.postEphemeral': {
    required: { channel: 'channel_not_found', user: 'user_not_found' },
    run(ctx, args) {
      const channel = postTarget(ctx, 'chat.postEphemeral', args.channel, { userIdIsDm: false });
      const user = ctx.state.user(args.user);
      const content = messageContent(ctx, args);
      const eph = ctx.state.addEphemeral({
        channel: channel.id,
        user: user.id,
        text: content.text ?? '',
        blocks: content.blocks,
        attachments: content.attachments,
        thread_ts: str(args.thread_ts) || undefined,
        source: 'chat.postEphemeral',
      });
      return { message_ts: eph.ts };
    },
  },

  'chat.getPermalink': {
    required: { channel: 'channel_not_found', message_ts: 'message_not_found' },
    run(ctx, args) {
      const channel = conversationById(ctx, 'chat.getPermalink', args.channel);
      const ts = str(args.message_ts) ?? '';
      if (!ctx.state.findMessage(channel.id, ts)) throw new SlackApiError('message_not_found');
      return { channel: channel.id, permalink: `${ctx.baseUrl}/archives/${channel.id}/p${ts.replace('.', '')}` };
    },
  },
};
