/**
 * The workspace as Slack would show it: people, channels, messages (with threads), ephemerals and
 * uploaded files. Every mutation goes through `changed()` so waitFor() probes re-run at once.
 */
import type { Block, Channel, Ephemeral, Message, StoredFile, User, Usergroup } from './types.js';
import { SlackApiError } from './types.js';
import { ViewStacks } from './view-stacks.js';

export interface PostInput {
  channel: string; // id
  user: string;
  text?: string;
  blocks?: Block[];
  attachments?: Block[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  files?: Message['files'];
  metadata?: unknown;
  bot_id?: string;
}

export class WorkspaceState {
  readonly users = new Map<string, User>();
  readonly channels = new Map<string, Channel>();
  readonly usergroups = new Map<string, Usergroup>();
  readonly files = new Map<string, StoredFile>();
  readonly views: ViewStacks;
  /** App Home tabs the bot published, by user (views.publish). */
  readonly homes = new Map<string, Record<string, unknown>>();
  /** Every message in posting order, channel and thread replies alike. */
  messageLog: Message[] = [];
  ephemeralLog: Ephemeral[] = [];
  private lastSec = 0;
  private lastMicro = 0;
  private seq = 0;

  constructor(
    readonly botUserId: string,
    private readonly onChange: () => void,
  ) {
    this.views = new ViewStacks(() => this.changed(), (p) => this.newId(p));
  }

  changed(): void {
    this.onChange();
  }

  /** Slack ids are upper-case letters and digits with a type prefix (C, U, V, F...). */
  newId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${String(this.seq).padStart(8, '0')}`;
  }

  /** Unique, strictly increasing message timestamps in Slack's "seconds.micro" format. */
  nextTs(): string {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.lastSec) {
      this.lastSec = now;
      this.lastMicro = 100;
    } else if (this.lastMicro >= 999_999) {
      this.lastSec += 1;
      this.lastMicro = 100;
    } else {
      this.lastMicro += 1;
    }
    return `${this.lastSec}.${String(this.lastMicro).padStart(6, '0')}`;
  }

  /** Accepts a channel id, a name, `#name`, or a user id (the bot's DM with that user, like Slack). */
  findChannel(ref: string): Channel | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.replace(/^#/, '');
    for (const c of this.channels.values()) if (!c.is_im && c.name === name) return c;
    if (this.users.has(ref)) return this.openIm(ref);
    return undefined;
  }

  channel(ref: unknown): Channel {
    const c = typeof ref === 'string' && ref ? this.findChannel(ref) : undefined;
    if (!c) throw new SlackApiError('channel_not_found');
    return c;
  }

  user(id: unknown): User {
    const u = typeof id === 'string' ? this.users.get(id) : undefined;
    if (!u) throw new SlackApiError('user_not_found');
    return u;
  }

  openIm(userId: string): Channel {
    const id = `D${userId}`;
    let c = this.channels.get(id);
    if (!c) {
      c = { id, name: userId, is_im: true, is_private: true, members: [userId, this.botUserId], created: Date.now() };
      this.channels.set(id, c);
    }
    return c;
  }

  findMessage(channelId: string, ts: string): Message | undefined {
    return this.messageLog.find((m) => m.channel === channelId && m.ts === ts);
  }

  /** Top-level messages of a channel, broadcast thread replies included (Slack shows them in both). */
  channelMessages(channelId: string): Message[] {
    return this.messageLog.filter((m) => m.channel === channelId && (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast));
  }

  threadReplies(channelId: string, threadTs: string): Message[] {
    return this.messageLog.filter((m) => m.channel === channelId && m.thread_ts === threadTs && m.ts !== threadTs);
  }

  post(input: PostInput): Message {
    let threadTs = input.thread_ts;
    let parent: Message | undefined;
    if (threadTs) {
      parent = this.findMessage(input.channel, threadTs);
      // Strict on purpose: real Slack silently orphans such replies, which hides bot bugs.
      if (!parent) throw new SlackApiError('thread_not_found');
      // Replying to a reply threads under the parent, as in Slack.
      if (parent.thread_ts && parent.thread_ts !== parent.ts) {
        threadTs = parent.thread_ts;
        parent = this.findMessage(input.channel, threadTs);
      }
    }
    const msg: Message = {
      type: 'message',
      channel: input.channel,
      ts: this.nextTs(),
      user: input.user,
      text: input.text ?? '',
      reply_count: 0,
    };
    if (input.bot_id) msg.bot_id = input.bot_id;
    if (input.blocks) msg.blocks = input.blocks;
    if (input.attachments) msg.attachments = input.attachments;
    if (input.files) msg.files = input.files;
    if (input.metadata !== undefined) msg.metadata = input.metadata;
    if (threadTs && parent) {
      msg.thread_ts = threadTs;
      if (input.reply_broadcast) {
        msg.reply_broadcast = true;
        msg.subtype = 'thread_broadcast';
      }
      parent.thread_ts = parent.ts;
      parent.reply_count += 1;
      parent.latest_reply = msg.ts;
      parent.reply_users = [...new Set([...(parent.reply_users ?? []), input.user])];
    }
    this.messageLog.push(msg);
    this.changed();
    return msg;
  }

  deleteMessage(channelId: string, ts: string): void {
    const msg = this.findMessage(channelId, ts);
    if (!msg) throw new SlackApiError('message_not_found');
    this.messageLog = this.messageLog.filter((m) => m !== msg);
    if (msg.thread_ts && msg.thread_ts !== msg.ts) {
      const parent = this.findMessage(channelId, msg.thread_ts);
      if (parent) parent.reply_count = Math.max(0, parent.reply_count - 1);
    }
    this.changed();
  }

  addEphemeral(e: Omit<Ephemeral, 'ts'> & { ts?: string }): Ephemeral {
    const eph: Ephemeral = { ...e, ts: e.ts ?? this.nextTs() };
    this.ephemeralLog.push(eph);
    this.changed();
    return eph;
  }

  findEphemeral(ts: string): Ephemeral | undefined {
    return this.ephemeralLog.find((e) => e.ts === ts);
  }

  /** Forget what happened, keep who and where (users, channels, groups). */
  reset(): void {
    this.messageLog = [];
    this.ephemeralLog = [];
    this.files.clear();
    this.views.reset();
    this.homes.clear();
    this.changed();
  }
}
