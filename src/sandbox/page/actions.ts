/**
 * What a person does on the page, turned into what Slack would send the bot: a slash command (with
 * @mentions escaped as `should_escape: true` makes Slack do), a click or selection, a modal submitted
 * or closed. The emulator's driver signs and sends each one.
 */
import { z } from 'zod';
import type { SlackEmulator } from '../emulator.js';
import type { BotReply } from '../types.js';
import { HttpError } from './http.js';
import { didYouMean } from '../../core/did-you-mean.js';

/** A subcommand the command box can complete, from the bot's own registry. */
export interface PageCommand {
  root: string;
  name: string;
  usage: string;
  summary: string;
  examples: string[];
}

const userId = z.string().regex(/^[UW][A-Z0-9]+$/);
const channelRef = z.string().min(1).max(80);

const commandBody = z.object({ user: userId, channel: channelRef, text: z.string().min(1).max(4000) });
const clickBody = z.object({
  user: userId,
  actionId: z.string().min(1).max(255),
  blockId: z.string().max(255).optional(),
  value: z.string().max(2000).optional(),
  channel: channelRef.optional(),
  messageTs: z.string().max(40).optional(),
  viewId: z.string().max(40).optional(),
  selectedOption: z.string().max(150).optional(),
  selectedOptions: z.array(z.string().max(150)).max(100).optional(),
  selectedUser: z.string().max(40).optional(),
  selectedUsers: z.array(z.string().max(40)).max(100).optional(),
  selectedDate: z.string().max(40).optional(),
  values: z.record(z.string(), z.unknown()).optional(),
});
const submitBody = z.object({ user: userId, viewId: z.string().min(1).max(40), values: z.record(z.string(), z.unknown()).optional() });
const closeBody = z.object({ user: userId, viewId: z.string().min(1).max(40) });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

export interface ActionDeps {
  emulator: SlackEmulator;
  roots: () => string[];
}

/** A person of the workspace, not a bot: nobody acts as the DR bot or deploybot from the page. */
function person(d: ActionDeps, id: string): string {
  const u = d.emulator.users.get(id);
  if (!u || u.is_bot) throw new HttpError(400, `no person ${id} in this workspace`);
  return id;
}

/** What Slack does to slash command text when the command has should_escape: mentions become ids. */
export function escapeCommandText(text: string, emulator: SlackEmulator): string {
  const byName = new Map([...emulator.users.values()].map((u) => [u.name.toLowerCase(), u]));
  const channels = new Map([...emulator.channels.values()].filter((c) => !c.is_im).map((c) => [c.name.toLowerCase(), c]));
  return text
    .replace(/(^|\s)@(channel|here|everyone)\b/g, (_m, pre: string, special: string) => `${pre}<!${special}>`)
    .replace(/(^|\s)@([a-z0-9][a-z0-9._-]*)/gi, (m, pre: string, name: string) => {
      const u = byName.get(name.toLowerCase());
      return u ? `${pre}<@${u.id}|${u.name}>` : m;
    })
    .replace(/(^|\s)#([a-z0-9][a-z0-9_-]*)/gi, (m, pre: string, name: string) => {
      const c = channels.get(name.toLowerCase());
      return c ? `${pre}<#${c.id}|${c.name}>` : m;
    });
}

function answer(reply: BotReply) {
  return { ok: reply.status === 200 && !reply.slackError, status: reply.status, ms: reply.ms, ...(reply.slackError ? { error: reply.slackError } : {}) };
}

/** Driver refusals (a click on something not on screen, an unknown option) are the page's bad requests. */
async function drive(run: () => Promise<BotReply>) {
  try {
    return answer(await run());
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, e instanceof Error ? e.message : String(e));
  }
}

export async function runCommand(d: ActionDeps, body: unknown) {
  const b = parse(commandBody, body);
  const m = /^\/([a-z0-9_-]+)(?:\s+([\s\S]*))?$/i.exec(b.text.trim());
  if (!m) throw new HttpError(400, 'Only slash commands go to the bot from here: start with /incident or /dr.');
  const root = m[1]!.toLowerCase();
  if (!d.roots().includes(root)) {
    throw new HttpError(400, `/${root} is not a valid command.${didYouMean(root, d.roots(), (r) => `/${r}`)} This app has ${d.roots().map((r) => `/${r}`).join(', ')}.`);
  }
  return drive(() =>
    d.emulator.slashCommand({ command: `/${root}`, text: escapeCommandText(m[2] ?? '', d.emulator), user: person(d, b.user), channel: b.channel }),
  );
}

export async function click(d: ActionDeps, body: unknown) {
  const b = parse(clickBody, body);
  return drive(() => d.emulator.clickButton({ ...b, user: person(d, b.user) }));
}

export async function submit(d: ActionDeps, body: unknown) {
  const b = parse(submitBody, body);
  return drive(() => d.emulator.submitView({ user: person(d, b.user), viewId: b.viewId, values: b.values }));
}

export async function close(d: ActionDeps, body: unknown) {
  const b = parse(closeBody, body);
  return drive(() => d.emulator.closeView({ user: person(d, b.user), viewId: b.viewId }));
}
