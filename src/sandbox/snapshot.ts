/**
 * What of the emulator's workspace outlives a restart of the local workspace: the messages (so the bot
 * can still edit the incident cards it stored the ts of), uploaded files and DM channels. Ephemerals,
 * open modals, trigger ids and response_urls are gone after a restart in Slack too, so they are not kept.
 */
import type { WorkspaceState } from './state.js';
import type { Channel, Message, StoredFile } from './types.js';

export interface WorkspaceSnapshot {
  version: 1;
  messages: Message[];
  files: StoredFile[];
  ims: Channel[];
}

export function takeSnapshot(state: WorkspaceState): WorkspaceSnapshot {
  return structuredClone({
    version: 1 as const,
    messages: state.messageLog,
    files: [...state.files.values()],
    ims: [...state.channels.values()].filter((c) => c.is_im),
  });
}

/** Replaces messages and files with the snapshot's; channels and people stay as seeded. */
export function restoreSnapshot(state: WorkspaceState, snap: WorkspaceSnapshot): void {
  if (snap.version !== 1) throw new Error(`unknown workspace snapshot version ${String(snap.version)}`);
  for (const c of snap.ims) if (!state.channels.has(c.id)) state.channels.set(c.id, structuredClone(c));
  state.messageLog = structuredClone(snap.messages).filter((m) => state.channels.has(m.channel));
  state.files.clear();
  for (const f of snap.files) state.files.set(f.id, structuredClone(f));
  // New ids must not collide with restored ones; the state's counter only moves through newId().
  const highest = Math.max(0, ...snap.files.map((f) => Number(f.id.replace(/^\D+/, '')) || 0));
  while (Number(state.newId('F').slice(1)) < highest);
  // Likewise message timestamps: a restart within the same second must not reuse a restored ts.
  // (Bounded: after a clock jump backwards, catching up a microsecond at a time could take forever.)
  const lastTs = Math.max(0, ...state.messageLog.map((m) => Number(m.ts)));
  for (let i = 0; i < 100_000 && Number(state.nextTs()) <= lastTs; i++);
  state.changed();
}
