/**
 * Finds the element a test "clicks": in a given view, or in the newest message/ephemeral that has it.
 * A click on something that is not on screen throws, so a test never passes by clicking a ghost.
 */
import type { WorkspaceState } from './state.js';
import type { Block, Channel, Ephemeral, Message, View } from './types.js';
import { elementsOf } from './block-walk.js';

export interface ClickTarget {
  actionId: string;
  user: string;
  value?: string;
  blockId?: string;
  channel?: string;
  messageTs?: string;
  viewId?: string;
}

export type Found =
  | { kind: 'view'; view: View; block: Block; element: Block }
  | { kind: 'message'; channel: Channel; message: Message; block: Block; element: Block }
  | { kind: 'ephemeral'; channel: Channel; ephemeral: Ephemeral; block: Block; element: Block };

function match(blocks: Block[] | undefined, t: ClickTarget): { block: Block; element: Block } | undefined {
  return elementsOf(blocks).find(
    ({ block, element }) =>
      element.action_id === t.actionId &&
      (t.blockId === undefined || block.block_id === t.blockId) &&
      // Buttons sharing an action_id (one per incident/action) are told apart by their value.
      (t.value === undefined || element.type !== 'button' || element.value === t.value),
  );
}

function describe(blocks: Block[] | undefined): string {
  return elementsOf(blocks).map(({ element }) => `${element.action_id}${element.value !== undefined ? `=${element.value}` : ''}`).join(', ');
}

export function locate(state: WorkspaceState, t: ClickTarget): Found {
  const want = `action_id "${t.actionId}"${t.value !== undefined ? ` with value "${t.value}"` : ''}${t.blockId ? ` in block "${t.blockId}"` : ''}`;
  if (t.viewId) {
    const view = state.views.find(t.viewId);
    if (!view) throw new Error(`clickButton: view ${t.viewId} is not open (open views: ${state.views.openFor().map((v) => v.id).join(', ') || 'none'})`);
    if (view.user !== t.user) throw new Error(`clickButton: view ${t.viewId} is open for ${view.user}, not ${t.user}`);
    const hit = match(view.blocks, t);
    if (!hit) throw new Error(`clickButton: no element with ${want} in view ${t.viewId}; it has: ${describe(view.blocks) || 'nothing clickable'}`);
    return { kind: 'view', view, ...hit };
  }
  const channel = t.channel ? state.findChannel(t.channel) : undefined;
  if (t.channel && !channel) throw new Error(`clickButton: no channel "${t.channel}"`);
  const inScope = (c: string, ts: string): boolean => (!channel || c === channel.id) && (!t.messageTs || ts === t.messageTs);
  // Newest first: the card a person would click is the latest one showing that button.
  type Cand = { ts: string; blocks?: Block[]; found: (b: { block: Block; element: Block }) => Found };
  const cands: Cand[] = [
    ...state.messageLog
      .filter((m) => inScope(m.channel, m.ts))
      .map((m): Cand => ({ ts: m.ts, blocks: m.blocks, found: (h) => ({ kind: 'message', channel: state.channel(m.channel), message: m, ...h }) })),
    ...state.ephemeralLog
      .filter((e) => e.user === t.user && inScope(e.channel, e.ts))
      .map((e): Cand => ({ ts: e.ts, blocks: e.blocks, found: (h) => ({ kind: 'ephemeral', channel: state.channel(e.channel), ephemeral: e, ...h }) })),
  ].sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0));
  for (const c of cands) {
    const hit = match(c.blocks, t);
    if (hit) return c.found(hit);
  }
  const where = t.messageTs ? `message ${t.messageTs}` : channel ? `#${channel.name}` : 'any message';
  const seen = cands.map((c) => describe(c.blocks)).filter(Boolean).slice(0, 5).join(' | ');
  throw new Error(`clickButton: no element with ${want} in ${where} visible to ${t.user}; clickable there: ${seen || 'nothing'}`);
}
