/**
 * Which OAuth scopes each Slack Web API method needs, as Slack documents them on its method pages
 * (docs.slack.dev/reference/methods/<method>, "Scopes · Bot token"). Conversation methods need the scope of
 * the kind of conversation they touch (channels:* public, groups:* private, im:* DMs); `any` is needed
 * whatever the conversation. The bot's start-up check, the manifest test and the emulator all read this
 * one table, so the three cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type ConversationKind = 'public' | 'private' | 'im';

export interface MethodScopes {
  any?: readonly string[];
  public?: readonly string[];
  private?: readonly string[];
  im?: readonly string[];
}

const HISTORY: MethodScopes = { public: ['channels:history'], private: ['groups:history'], im: ['im:history'] };
const READ: MethodScopes = { public: ['channels:read'], private: ['groups:read'], im: ['im:read'] };
const CHAT: MethodScopes = { any: ['chat:write'] };
const NONE: MethodScopes = {};

export const METHOD_SCOPES: Readonly<Record<string, MethodScopes>> = {
  'auth.test': NONE,
  'chat.postMessage': CHAT,
  'chat.update': CHAT,
  'chat.delete': CHAT,
  'chat.postEphemeral': CHAT,
  'chat.getPermalink': NONE,
  'conversations.history': HISTORY,
  'conversations.replies': HISTORY,
  'conversations.info': READ,
  'conversations.list': READ,
  'conversations.members': READ,
  'conversations.open': { public: ['channels:manage'], private: ['groups:write'], im: ['im:write'] },
  'conversations.create': { public: ['channels:manage'], private: ['groups:write'] },
  'conversations.invite': { public: ['channels:manage'], private: ['groups:write'] },
  'conversations.join': { public: ['channels:join'] },
  'users.info': { any: ['users:read'] },
  'users.list': { any: ['users:read'] },
  'users.lookupByEmail': { any: ['users:read.email'] },
  'usergroups.list': { any: ['usergroups:read'] },
  'usergroups.users.list': { any: ['usergroups:read'] },
  'views.open': NONE,
  'views.push': NONE,
  'views.update': NONE,
  'views.publish': NONE,
  'files.getUploadURLExternal': { any: ['files:write'] },
  'files.completeUploadExternal': { any: ['files:write'] },
};

/**
 * Every Web API method the bot calls, with the kinds of conversation it calls it on and why. The incident
 * channel may be public or private, so methods used on it list both. A test checks this list against the
 * calls in the source, and the manifest against the scopes it adds up to.
 */
export const BOT_METHODS: ReadonlyArray<{ method: string; on: readonly ConversationKind[]; why: string }> = [
  { method: 'auth.test', on: [], why: 'who the bot is; the granted scopes come back in its x-oauth-scopes header' },
  { method: 'conversations.list', on: ['public', 'private'], why: 'find INCIDENT_CHANNEL by name at start-up' },
  { method: 'conversations.info', on: ['public', 'private'], why: 'check INCIDENT_CHANNEL given as an ID, and that the bot is in it' },
  { method: 'chat.postMessage', on: ['public', 'private', 'im'], why: 'cards, thread lines, reminders, plans; pages as DMs' },
  { method: 'chat.update', on: ['public', 'private', 'im'], why: 'edit the card, plan cards, the checklist, page DMs' },
  { method: 'chat.postEphemeral', on: ['public', 'private'], why: 'an error only the person who acted sees' },
  { method: 'chat.getPermalink', on: ['public', 'private'], why: 'links to the card in reminders and pages' },
  { method: 'conversations.history', on: ['public', 'private', 'im'], why: 'after a crash, find a card, reminder or page DM that landed, so none is posted twice' },
  { method: 'conversations.open', on: ['im'], why: 'after a crash, the IM with a paged person, to look for a page DM that landed' },
  { method: 'conversations.replies', on: ['public', 'private'], why: 'the same, for reminders in the card thread' },
  { method: 'users.info', on: [], why: 'names and time zones of the people in an incident' },
  { method: 'views.open', on: [], why: 'forms' },
  { method: 'views.update', on: [], why: 'forms' },
  { method: 'views.publish', on: [], why: 'the App Home tab' },
  { method: 'files.getUploadURLExternal', on: ['public', 'private'], why: 'postmortem and status-page files (filesUploadV2)' },
  { method: 'files.completeUploadExternal', on: ['public', 'private'], why: 'postmortem and status-page files (filesUploadV2)' },
];

/** Scopes that come with a feature of the app rather than a method: the slash commands. */
export const FEATURE_SCOPES: readonly string[] = ['commands'];

/** The scopes one method needs on one kind of conversation (its `any` scopes included). */
export function scopesFor(method: string, kind?: ConversationKind): string[] {
  const s = METHOD_SCOPES[method];
  if (!s) throw new Error(`${method} is not in the method → scope table (src/slack/scopes.ts)`);
  return [...(s.any ?? []), ...(kind ? (s[kind] ?? []) : [])];
}

/**
 * The scopes the bot needs: with `kinds` all conversation kinds it may meet (what the manifest must ask
 * for), or only those of one running install (the incident channel's kind, plus DMs).
 */
export function neededScopes(kinds: readonly ConversationKind[] = ['public', 'private', 'im'], methods = BOT_METHODS): Set<string> {
  const out = new Set<string>(FEATURE_SCOPES);
  for (const m of methods) {
    for (const s of scopesFor(m.method)) out.add(s);
    for (const k of m.on) if (kinds.includes(k)) for (const s of scopesFor(m.method, k)) out.add(s);
  }
  return out;
}

/** Why the bot needs a scope, for the start-up message that names a missing one. */
export function whyScope(scope: string): string {
  const uses = BOT_METHODS.filter((m) => scopesFor(m.method).includes(scope) || m.on.some((k) => scopesFor(m.method, k).includes(scope)));
  if (scope === 'commands') return 'the /incident, /dr and /oncall commands';
  return uses.map((u) => `${u.method}: ${u.why}`).join('; ');
}

/** The bot scopes a Slack app manifest asks for. */
export function manifestBotScopes(path = new URL('../../manifest.yml', import.meta.url)): string[] {
  const doc = parse(readFileSync(path, 'utf8')) as { oauth_config?: { scopes?: { bot?: string[] } } };
  return [...(doc.oauth_config?.scopes?.bot ?? [])];
}
