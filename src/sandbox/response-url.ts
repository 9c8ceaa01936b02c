/**
 * POSTs to a response_url: Slack shows them as an ephemeral for the user who acted (the default),
 * as a channel message (`in_channel`), or edits/deletes the message the interaction came from.
 */
import { SlackApiError } from './types.js';
import { messageContent, type ApiContext } from './methods/context.js';
import type { ResponseTarget } from './tokens.js';

export interface PlainAnswer {
  status: number;
  body: string | Record<string, unknown>;
}

export function handleResponsePost(ctx: ApiContext, target: ResponseTarget, raw: string): PlainAnswer {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { status: 400, body: { ok: false, error: 'invalid_payload' } };
  }
  const { state } = ctx;
  try {
    if (body.delete_original === true || body.delete_original === 'true') {
      if (!target.messageTs) throw new SlackApiError('message_not_found');
      if (target.isEphemeral) state.ephemeralLog = state.ephemeralLog.filter((e) => e.ts !== target.messageTs);
      else state.deleteMessage(target.channel, target.messageTs);
      state.changed();
      return { status: 200, body: 'ok' };
    }
    const content = messageContent(ctx, body);
    if (body.replace_original === true || body.replace_original === 'true') {
      const original = !target.messageTs
        ? undefined
        : target.isEphemeral
          ? state.findEphemeral(target.messageTs)
          : state.findMessage(target.channel, target.messageTs);
      if (!original) throw new SlackApiError('message_not_found');
      original.text = content.text ?? '';
      // A replacement is a new message body: blocks the response leaves out are gone.
      original.blocks = content.blocks;
      original.attachments = content.attachments;
      state.changed();
      return { status: 200, body: 'ok' };
    }
    const threadTs = typeof body.thread_ts === 'string' && body.thread_ts ? body.thread_ts : undefined;
    if (body.response_type === 'in_channel') {
      state.post({ channel: target.channel, user: ctx.botUserId, bot_id: ctx.botId, ...content, thread_ts: threadTs });
    } else {
      state.addEphemeral({ channel: target.channel, user: target.user, text: content.text ?? '', blocks: content.blocks, attachments: content.attachments, thread_ts: threadTs, source: 'response_url' });
    }
    return { status: 200, body: 'ok' };
  } catch (e) {
    if (e instanceof SlackApiError) return { status: e.code === 'message_not_found' ? 404 : 400, body: { ok: false, error: e.code, ...e.extra } };
    throw e;
  }
}
