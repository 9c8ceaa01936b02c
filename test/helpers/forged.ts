import type { SlackEmulator } from '../../src/sandbox/emulator.js';

/**
 * Payloads a workspace member could forge: correctly signed (the bot cannot tell them from Slack's), with
 * whatever action id, value or private_metadata they like. The bot must take authority from its rows.
 */
export function forgedClick(e: SlackEmulator, o: { user: string; actionId: string; value?: string; channel: string; blockId?: string }) {
  const payload = {
    type: 'block_actions',
    user: { id: o.user, username: o.user, team_id: 'T0BOOM' },
    api_app_id: 'A0BOOM',
    token: 'forged',
    trigger_id: `forged.${Date.now()}`,
    team: { id: 'T0BOOM', domain: 'boomcard' },
    container: { type: 'message', message_ts: '1.000001', channel_id: o.channel, is_ephemeral: false },
    channel: { id: o.channel, name: 'forged' },
    message: { type: 'message', ts: '1.000001', text: '', blocks: [] },
    actions: [{ action_id: o.actionId, block_id: o.blockId ?? 'forged', type: 'button', value: o.value, action_ts: `${Date.now() / 1000}` }],
  };
  return e.postSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

export function forgedSubmit(e: SlackEmulator, o: { user: string; callbackId: string; privateMetadata: Record<string, unknown>; values: Record<string, Record<string, unknown>> }) {
  const payload = {
    type: 'view_submission',
    user: { id: o.user, username: o.user, team_id: 'T0BOOM' },
    api_app_id: 'A0BOOM',
    token: 'forged',
    trigger_id: `forged.${Date.now()}`,
    team: { id: 'T0BOOM', domain: 'boomcard' },
    view: {
      id: `VFORGED${Math.floor(Math.random() * 1e6)}`,
      type: 'modal',
      callback_id: o.callbackId,
      private_metadata: JSON.stringify(o.privateMetadata),
      hash: 'forged',
      state: { values: o.values },
      blocks: [],
    },
    response_urls: [],
  };
  return e.postSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}
