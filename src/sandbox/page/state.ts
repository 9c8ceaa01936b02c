/**
 * What the page shows one person: a channel as Slack would (top-level messages with their threads),
 * that person's ephemerals there, the modal on top of their stack, and who is who for mentions.
 */
import type { SlackEmulator } from '../emulator.js';
import type { Block, Message, View } from '../types.js';

/** Enough history for a drill; older messages stay in the emulator, the page shows the newest. */
const MAX_MESSAGES = 300;

export interface PageMessage {
  ts: string;
  user: string;
  bot_id?: string;
  text: string;
  blocks?: Block[];
  attachments?: Block[];
  edited: boolean;
  reply_count: number;
  reply_users: string[];
  latest_reply?: string;
  replies: PageMessage[];
  broadcast: boolean;
  /** Files shared in the message: what the page lists, with the start of each for a preview. */
  files: Array<{ id: string; name: string; title: string; size: number; preview: string }>;
}

/** How much of a file the page previews; the whole file is a download (GET /ws/files/<id>). */
const PREVIEW_CHARS = 1_500;

function pageMessage(m: Message, replies: Message[] = []): PageMessage {
  return {
    ts: m.ts,
    user: m.user,
    ...(m.bot_id ? { bot_id: m.bot_id } : {}),
    text: m.text,
    blocks: m.blocks,
    attachments: m.attachments,
    edited: !!m.edited,
    reply_count: m.reply_count,
    reply_users: m.reply_users ?? [],
    latest_reply: m.latest_reply,
    replies: replies.map((r) => pageMessage(r)),
    broadcast: !!m.reply_broadcast,
    files: (m.files ?? []).map((f) => ({ id: f.id, name: f.name, title: f.title, size: Buffer.byteLength(f.content), preview: f.content.slice(0, PREVIEW_CHARS) })),
  };
}

function pageView(v: View) {
  return {
    id: v.id,
    hash: v.hash,
    callback_id: v.callback_id,
    title: v.title,
    submit: v.submit,
    close: v.close,
    blocks: v.blocks,
    state: v.state,
    errors: v.errors ?? {},
    stack: 0,
  };
}

export function pageState(emulator: SlackEmulator, user: string, channelRef: string, revision: number) {
  const channel = emulator.channel(channelRef);
  const top = emulator.messages(channel.id).slice(-MAX_MESSAGES);
  const stack = emulator.openViews(user);
  const view = stack.at(-1);
  return {
    revision,
    me: user,
    channel: { id: channel.id, name: channel.name, is_im: !!channel.is_im },
    // Public channels, and the DM with the bot of whoever is looking.
    channels: [...emulator.channels.values()]
      .filter((c) => (!c.is_im && !c.is_private) || (c.is_im && (c.members ?? []).includes(user)))
      // `latest`: the newest top-level message not written by this person, for the sidebar's unread marks.
      .map((c) => ({ id: c.id, name: c.name, is_im: !!c.is_im, latest: newestFromOthers(emulator.messages(c.id), user) })),
    users: Object.fromEntries([...emulator.users.values()].map((u) => [u.id, { name: u.name, real_name: u.real_name ?? u.name, is_bot: !!u.is_bot }])),
    messages: top.map((m) => pageMessage(m, m.reply_count > 0 ? emulator.thread(channel.id, m.ts) : [])),
    ephemerals: emulator
      .ephemerals({ user, channel: channel.id })
      .map((e) => ({ ts: e.ts, text: e.text, blocks: e.blocks, attachments: e.attachments, thread_ts: e.thread_ts, from_slack: e.source === 'slack' })),
    view: view ? { ...pageView(view), stack: stack.length } : null,
  };
}

function newestFromOthers(messages: Message[], user: string): string | null {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.user !== user) return messages[i]!.ts;
  return null;
}

export type PageState = ReturnType<typeof pageState>;
