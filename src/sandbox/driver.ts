/**
 * The driver: what Slack sends the bot when a person types a slash command, clicks, submits or closes
 * a modal, and what Slack then does with the bot's HTTP answer (immediate replies, response_action).
 */
import type { ApiContext } from './methods/context.js';
import { messageContent } from './methods/context.js';
import { checkView } from './methods/views.js';
import { blockActionsBody, slashCommandBody, viewClosedBody, viewSubmissionBody, type ActionSource, type Workspace } from './payloads.js';
import { locate, type ClickTarget } from './locate.js';
import { actionEntry, buildViewState, missingRequired, type Selection } from './view-state.js';
import type { BotReply, View } from './types.js';
import { SlackApiError } from './types.js';

export interface DriverDeps {
  ctx: ApiContext;
  workspace: Workspace;
  send(body: string, headers?: Record<string, string>): Promise<BotReply>;
}

export interface SlashCommandInput {
  command: string;
  text: string;
  user: string;
  channel: string;
  retryNum?: number;
  retryReason?: string;
}

export interface ClickInput extends ClickTarget, Selection {
  /** For clicks in a modal: what the user has typed so far, like submitView's `values`. */
  values?: Record<string, unknown>;
}

function person(d: DriverDeps, id: string) {
  const u = d.ctx.state.users.get(id);
  if (!u) throw new Error(`driver: unknown user "${id}"; add it with addUser() first`);
  return u;
}

/** Slack's answer to a bad HTTP reply is an ephemeral error line for the person who acted. */
function failed(d: DriverDeps, reply: BotReply, user: string, channel: string, what: string): BotReply {
  const error = reply.slackError ?? (reply.status === 0 ? 'operation_timeout' : `http_error_${reply.status}`);
  d.ctx.state.addEphemeral({ channel, user, text: `${what} failed with the error "${error.split(':')[0]}"`, source: 'slack' });
  return { ...reply, slackError: error };
}

export async function slashCommand(d: DriverDeps, o: SlashCommandInput): Promise<BotReply> {
  const user = person(d, o.user);
  const channel = d.ctx.state.findChannel(o.channel);
  if (!channel) throw new Error(`slashCommand: no channel "${o.channel}"`);
  const body = slashCommandBody(d.workspace, {
    command: o.command,
    text: o.text,
    user,
    channel,
    triggerId: d.ctx.tokens.issueTrigger(user.id),
    responseUrl: d.ctx.tokens.issueResponseUrl(d.ctx.baseUrl, { user: user.id, channel: channel.id }),
  });
  const headers = o.retryNum ? { 'X-Slack-Retry-Num': String(o.retryNum), 'X-Slack-Retry-Reason': o.retryReason ?? 'http_timeout' } : undefined;
  const reply = await d.send(body, headers);
  if (reply.status !== 200) return failed(d, reply, user.id, channel.id, o.command);
  if (reply.body === '' || reply.body === null) return reply;
  // An immediate answer: plain text or a message object, shown like a response_url post.
  const msg = typeof reply.body === 'string' ? { text: reply.body } : (reply.body as Record<string, unknown>);
  try {
    const content = messageContent(d.ctx, msg);
    if (msg.response_type === 'in_channel') d.ctx.state.post({ channel: channel.id, user: d.ctx.botUserId, bot_id: d.ctx.botId, ...content });
    else d.ctx.state.addEphemeral({ channel: channel.id, user: user.id, text: content.text ?? '', blocks: content.blocks, attachments: content.attachments, source: 'command_reply' });
  } catch (e) {
    if (!(e instanceof SlackApiError)) throw e;
    return failed(d, { ...reply, slackError: e.code === 'no_text' ? 'invalid_response' : e.code }, user.id, channel.id, o.command);
  }
  return reply;
}

/** Merges what the test says is typed into the view's state (earlier entries are kept). */
function updateState(view: View, values: Record<string, unknown> | undefined): void {
  const fresh = buildViewState(view.blocks, values ?? {});
  const given = new Set(Object.keys(values ?? {}));
  const merged: View['state']['values'] = {};
  for (const [blockId, st] of Object.entries(fresh)) merged[blockId] = given.has(blockId) ? st : (view.state.values[blockId] ?? st);
  view.state.values = merged;
}

export async function clickButton(d: DriverDeps, o: ClickInput): Promise<BotReply> {
  const user = person(d, o.user);
  const found = locate(d.ctx.state, o);
  const action = actionEntry(found.block, found.element, o);
  let source: ActionSource;
  if (found.kind === 'view') {
    updateState(found.view, o.values);
    // A select in the view also changes the view's state, as Slack reports it.
    const { action_id: _a, block_id: _b, action_ts: _t, placeholder: _p, ...st } = action;
    if (found.element.type !== 'button') (found.view.state.values[found.block.block_id] ??= {})[found.element.action_id] = st;
    source = { kind: 'view', view: found.view };
  } else {
    const messageTs = found.kind === 'message' ? found.message.ts : found.ephemeral.ts;
    const responseUrl = d.ctx.tokens.issueResponseUrl(d.ctx.baseUrl, { user: user.id, channel: found.channel.id, messageTs, isEphemeral: found.kind === 'ephemeral' });
    source = found.kind === 'message' ? { kind: 'message', channel: found.channel, message: found.message, responseUrl } : { kind: 'ephemeral', channel: found.channel, messageTs, responseUrl };
  }
  const reply = await d.send(blockActionsBody(d.workspace, { user, triggerId: d.ctx.tokens.issueTrigger(user.id), source, actions: [action] }));
  if (reply.status !== 200) return { ...reply, slackError: reply.slackError ?? `http_error_${reply.status}` };
  return reply;
}

export async function submitView(d: DriverDeps, o: { user: string; viewId: string; values?: Record<string, unknown> }): Promise<BotReply> {
  const user = person(d, o.user);
  const view = d.ctx.state.views.find(o.viewId);
  if (!view || view.user !== user.id) throw new Error(`submitView: view ${o.viewId} is not open for ${o.user}`);
  updateState(view, o.values);
  const missing = missingRequired(view.blocks, view.state.values);
  if (missing) throw new Error(`submitView: ${missing}`);
  const reply = await d.send(viewSubmissionBody(d.workspace, { user, triggerId: d.ctx.tokens.issueTrigger(user.id), view }));
  // Anything but a 200 leaves the modal open with "We had some trouble connecting".
  if (reply.status !== 200) return { ...reply, slackError: reply.slackError ?? `http_error_${reply.status}` };
  const body = reply.body && typeof reply.body === 'object' ? (reply.body as Record<string, unknown>) : {};
  const views = d.ctx.state.views;
  try {
    switch (body.response_action) {
      case undefined:
        views.close(view.id);
        break;
      case 'clear':
        views.clear(user.id);
        break;
      case 'errors': {
        const errors = (body.errors ?? {}) as Record<string, string>;
        const inputs = new Set(view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id as string));
        const bad = Object.keys(errors).filter((k) => !inputs.has(k));
        if (bad.length) return { ...reply, slackError: `invalid response_action errors: ${bad.join(', ')} are not input block_ids` };
        view.errors = errors;
        d.ctx.state.changed();
        break;
      }
      case 'update':
        views.update(view, checkView(d.ctx, body.view));
        break;
      case 'push':
        views.push(user.id, checkView(d.ctx, body.view));
        break;
      default:
        return { ...reply, slackError: `unknown response_action ${JSON.stringify(body.response_action)}` };
    }
  } catch (e) {
    if (e instanceof SlackApiError) return { ...reply, slackError: `${e.code}${e.extra.errors ? `: ${(e.extra.errors as string[]).join('; ')}` : ''}` };
    throw e;
  }
  return reply;
}

/** The user dismisses a modal. view_closed reaches the bot only when the view asked for it. */
export async function closeView(d: DriverDeps, o: { user: string; viewId: string }): Promise<BotReply> {
  const user = person(d, o.user);
  const view = d.ctx.state.views.find(o.viewId);
  if (!view || view.user !== user.id) throw new Error(`closeView: view ${o.viewId} is not open for ${o.user}`);
  const cleared = !!view.clear_on_close;
  if (cleared) d.ctx.state.views.clear(user.id);
  else d.ctx.state.views.close(view.id);
  if (!view.notify_on_close) return { status: 0, body: '', ms: 0 };
  return d.send(viewClosedBody(d.workspace, { user, view, isCleared: cleared }));
}
