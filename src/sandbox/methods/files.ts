/**
 * The files upload v2 flow (what WebClient.filesUploadV2 does): getUploadURLExternal → POST bytes to
 * the upload URL → completeUploadExternal shares them as a message in the channel or thread.
 */
import { SlackApiError } from '../types.js';
import type { WorkspaceState } from '../state.js';
import { str } from '../http-util.js';
import { memberConversation } from './access.js';
import type { MethodTable } from './context.js';

/** Called by the server for POST /upload/<file_id>; false when the id was never issued. */
export function storeUpload(state: WorkspaceState, fileId: string, bytes: Buffer): boolean {
  const f = state.files.get(fileId);
  if (!f) return false;
  f.content = bytes.toString('utf8');
  f.size = bytes.length;
  f.uploaded = true;
  state.changed();
  return true;
}

export const fileMethods: MethodTable = {
  'files.getUploadURLExternal': {
    required: { filename: 'invalid_arguments', length: 'invalid_arguments' },
    run(ctx, args) {
      const length = Number(args.length);
      if (!Number.isInteger(length) || length < 0) throw new SlackApiError('invalid_arguments', { errors: ['length must be a non-negative integer'] });
      const id = ctx.state.newId('F');
      const name = str(args.filename)!;
      ctx.state.files.set(id, { id, name, title: name, content: '', size: 0, uploaded: false });
      return { upload_url: `${ctx.baseUrl}/upload/${id}`, file_id: id };
    },
  },

  'files.completeUploadExternal': {
    required: { files: 'invalid_arguments' },
    run(ctx, args) {
      if (!Array.isArray(args.files) || args.files.length === 0) throw new SlackApiError('invalid_arguments', { errors: ['files must be a JSON array of {id, title}'] });
      const files = (args.files as Array<{ id?: string; title?: string }>).map((ref) => {
        const f = ctx.state.files.get(ref.id ?? '');
        if (!f) throw new SlackApiError('file_not_found');
        if (!f.uploaded) throw new SlackApiError('file_upload_not_complete');
        if (ref.title) f.title = ref.title;
        return f;
      });
      // IDs only (Slack's docs: "Channel ID where the file will be shared"), and the bot must be in it.
      const channelId = str(args.channel_id) ?? str(args.channels)?.split(',')[0];
      const channel = channelId ? memberConversation(ctx, 'files.completeUploadExternal', channelId) : undefined;
      if (channel) {
        ctx.state.post({
          channel: channel.id,
          user: ctx.botUserId,
          bot_id: ctx.botId,
          text: str(args.initial_comment) ?? '',
          thread_ts: str(args.thread_ts) || undefined,
          files: files.map((f) => ({ id: f.id, title: f.title, name: f.name, content: f.content })),
        });
      }
      return { files: files.map((f) => ({ id: f.id, title: f.title, name: f.name, size: f.size })) };
    },
  },
};
