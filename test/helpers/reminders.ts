import type { SlackEmulator } from '../../src/sandbox/emulator.js';
import type { Message } from '../../src/sandbox/types.js';

export interface SeenReminder {
  incident: number;
  seq: number;
  escalated: boolean;
  inThread: boolean;
  message: Message;
}

/** Every reminder the bot posted (thread or channel), read from the message metadata it attaches. */
export function reminders(em: SlackEmulator, incident?: number): SeenReminder[] {
  const out: SeenReminder[] = [];
  for (const m of em.allMessages()) {
    const md = m.metadata as { event_type?: string; event_payload?: { incident: number; seq: number; escalated: boolean } } | undefined;
    if (md?.event_type !== 'dr_reminder' || !md.event_payload) continue;
    if (incident !== undefined && md.event_payload.incident !== incident) continue;
    out.push({ ...md.event_payload, inThread: Boolean(m.thread_ts && m.thread_ts !== m.ts), message: m });
  }
  return out.sort((a, b) => Number(a.message.ts) - Number(b.message.ts));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
