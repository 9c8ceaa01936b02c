import type { RateLimitOptions } from './rate-limits.js';
/**
 * Shapes shared by the Slack emulator's parts. Field names follow Slack's JSON so a test can compare
 * what the emulator holds with what the bot sent or what Slack documents.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export type Block = Record<string, any>;

export interface EmulatorOptions {
  signingSecret: string;
  /** Web API calls must carry it (Authorization: Bearer or a `token` field). */
  botToken: string;
  botUserId?: string; // default 'UBOT'
  teamId?: string; // default 'T0BOOM'
  teamDomain?: string; // default 'boomcard'
  appId?: string; // default 'A0BOOM'
  latencyMs?: number; // delay before answering each Web API call, default 0
  /** How long a trigger_id stays usable; Slack says 3 s. Tests shorten it to test expiry. */
  triggerTtlMs?: number;
  /** How long the driver waits for the bot's HTTP answer; Slack gives up after 3 s. */
  botTimeoutMs?: number;
  /** Where signed requests go, default http://127.0.0.1:3000/slack/events (mutable later). */
  botEndpoint?: string;
  /**
   * The OAuth scopes of the bot token; default: exactly those manifest.yml asks for. Methods answer
   * missing_scope without them, and every answer carries them in x-oauth-scopes.
   */
  scopes?: readonly string[];
  /** 'surface' (default): action_ids unique per message/view; 'block': only per block, as Slack documents. */
  actionIdScope?: 'surface' | 'block';
  /**
   * Enforce Slack's documented rate limits (sandbox/rate-limits.ts): 429 + Retry-After past a method's tier
   * or a channel's ~1 post a second. Off by default: the suite posts faster than that on purpose.
   */
  rateLimits?: boolean | RateLimitOptions;
}

export interface User {
  id: string;
  name: string;
  real_name?: string;
  is_bot?: boolean;
  tz?: string;
  email?: string;
}

export interface Channel {
  id: string;
  name: string;
  is_private?: boolean;
  is_im?: boolean;
  /** Users (including the bot) in the channel; the bot is a member of channels added by tests. */
  members?: string[];
  topic?: string;
  purpose?: string;
  created?: number;
}

export interface Usergroup {
  id: string;
  handle: string;
  users: string[];
  name?: string;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  /** The uploaded bytes as UTF-8 text (what tests usually assert on). */
  content: string;
  size: number;
  uploaded: boolean;
}

export interface Message {
  type: 'message';
  subtype?: string;
  channel: string; // channel id
  ts: string;
  user: string;
  bot_id?: string;
  text: string;
  blocks?: Block[];
  attachments?: Block[];
  thread_ts?: string;
  reply_count: number;
  reply_users?: string[];
  latest_reply?: string;
  reply_broadcast?: boolean;
  edited?: { user: string; ts: string };
  files?: Array<Pick<StoredFile, 'id' | 'title' | 'name' | 'content'>>;
  metadata?: unknown;
}

export interface Ephemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: Block[];
  attachments?: Block[];
  thread_ts?: string;
  /** Who made Slack show it: the Web API, a response_url post, the bot's HTTP answer, or Slack itself (errors). */
  source: 'chat.postEphemeral' | 'response_url' | 'command_reply' | 'slack';
}

export interface View {
  id: string;
  team_id: string;
  type: 'modal';
  callback_id?: string;
  private_metadata?: string;
  external_id?: string;
  title?: Block;
  submit?: Block;
  close?: Block;
  blocks: Block[];
  notify_on_close?: boolean;
  clear_on_close?: boolean;
  hash: string;
  state: { values: Record<string, Record<string, any>> };
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  /** The user whose screen shows it (Slack's views are per user). */
  user: string;
  /** What the bot answered with `response_action: 'errors'` on the last submission. */
  errors?: Record<string, string>;
}

export interface CallRecord {
  method: string;
  args: Record<string, unknown>;
  at: number;
  ok: boolean;
  error?: string;
}

export interface BotReply {
  status: number; // 0 when the bot did not answer in time
  body: any; // parsed JSON when JSON, else text ('' when empty)
  ms: number; // time until the HTTP response
  /** What Slack would complain about (timeout, bad HTTP status, invalid response_action view...). */
  slackError?: string;
}

export interface FailSpec {
  status?: number;
  error?: string;
  retryAfterSec?: number;
  count?: number;
}

/** Thrown by Web API method handlers; becomes `{ok:false, error, ...extra}`. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}
