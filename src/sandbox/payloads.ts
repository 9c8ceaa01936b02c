/**
 * Bodies exactly as Slack sends them to an app: slash commands as plain form fields, interactions as
 * a form field `payload` holding JSON (https://api.slack.com/interactivity/handling#payloads).
 */
import type { Channel, Message, User, View } from './types.js';
import { apiView } from './methods/views.js';
import { apiMessage } from './methods/chat.js';

export interface Workspace {
  teamId: string;
  teamDomain: string;
  appId: string;
  /** Slack's deprecated verification token; Bolt ignores it but Slack still sends one. */
  verificationToken: string;
}

export function slashCommandBody(w: Workspace, o: { command: string; text: string; user: User; channel: Channel; responseUrl: string; triggerId: string }): string {
  return new URLSearchParams({
    token: w.verificationToken,
    team_id: w.teamId,
    team_domain: w.teamDomain,
    channel_id: o.channel.id,
    channel_name: o.channel.is_im ? 'directmessage' : o.channel.name,
    user_id: o.user.id,
    user_name: o.user.name,
    command: o.command,
    text: o.text,
    api_app_id: w.appId,
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId,
  }).toString();
}

function userRef(w: Workspace, u: User): Record<string, unknown> {
  return { id: u.id, username: u.name, name: u.name, team_id: w.teamId };
}

function interaction(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export type ActionSource =
  | { kind: 'message'; channel: Channel; message: Message; responseUrl: string }
  | { kind: 'ephemeral'; channel: Channel; messageTs: string; responseUrl: string }
  | { kind: 'view'; view: View };

export function blockActionsBody(w: Workspace, o: { user: User; triggerId: string; source: ActionSource; actions: Array<Record<string, unknown>> }): string {
  const s = o.source;
  const base: Record<string, unknown> = {
    type: 'block_actions',
    user: userRef(w, o.user),
    api_app_id: w.appId,
    token: w.verificationToken,
    trigger_id: o.triggerId,
    team: { id: w.teamId, domain: w.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    actions: o.actions,
  };
  if (s.kind === 'view') {
    return interaction({ ...base, container: { type: 'view', view_id: s.view.id }, view: apiView(s.view) });
  }
  const channel = { id: s.channel.id, name: s.channel.is_im ? 'directmessage' : s.channel.name };
  if (s.kind === 'ephemeral') {
    // Slack does not echo an ephemeral message back to the app; only its ts is in the container.
    return interaction({ ...base, container: { type: 'message', message_ts: s.messageTs, channel_id: s.channel.id, is_ephemeral: true }, channel, state: { values: {} }, response_url: s.responseUrl });
  }
  return interaction({
    ...base,
    container: { type: 'message', message_ts: s.message.ts, channel_id: s.channel.id, is_ephemeral: false, ...(s.message.thread_ts ? { thread_ts: s.message.thread_ts } : {}) },
    channel,
    message: apiMessage(s.message),
    state: { values: {} },
    response_url: s.responseUrl,
  });
}

export function viewSubmissionBody(w: Workspace, o: { user: User; triggerId: string; view: View }): string {
  return interaction({
    type: 'view_submission',
    team: { id: w.teamId, domain: w.teamDomain },
    user: userRef(w, o.user),
    api_app_id: w.appId,
    token: w.verificationToken,
    trigger_id: o.triggerId,
    view: apiView(o.view),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

export function viewClosedBody(w: Workspace, o: { user: User; view: View; isCleared: boolean }): string {
  return interaction({
    type: 'view_closed',
    team: { id: w.teamId, domain: w.teamDomain },
    user: userRef(w, o.user),
    api_app_id: w.appId,
    token: w.verificationToken,
    view: apiView(o.view),
    is_cleared: o.isCleared,
    is_enterprise_install: false,
    enterprise: null,
  });
}
