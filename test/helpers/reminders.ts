import type { SlackEmulator } from '../../src/sandbox/emulator.js';
import type { Message } from '../../src/sandbox/types.js';

export interface SeenReminder {
  incident: number;
  seq: number;
  escalated: boolean;
  inThread: boolean;
  message: Message;
  /** When the emulator received the post (ms). Message ts values are ordered but not clock times. */
  at: number;
}

/** Every reminder the bot posted (thread or channel), read from the message metadata it attaches. */
export function reminders(em: SlackEmulator, incident?: number): SeenReminder[] {
  const out: SeenReminder[] = [];
  const arrived = new Map<string, number>();
  for (const c of em.calls) {
    const md = c.args.metadata as { event_type?: string; event_payload?: { incident: number; seq: number } } | undefined;
    if (c.method === 'chat.postMessage' && c.ok && md?.event_type === 'dr_reminder' && md.event_payload) {
      const key = `${md.event_payload.incident}:${md.event_payload.seq}`;
      if (!arrived.has(key)) arrived.set(key, c.at);
    }
  }
  for (const m of em.allMessages()) {
    const md = m.metadata as { event_type?: string; event_payload?: { incident: number; seq: number; escalated: boolean } } | undefined;
    if (md?.event_type !== 'dr_reminder' || !md.event_payload) continue;
    if (incident !== undefined && md.event_payload.incident !== incident) continue;
    const at = arrived.get(`${md.event_payload.incident}:${md.event_payload.seq}`) ?? Number.NaN;
    out.push({ ...md.event_payload, inThread: Boolean(m.thread_ts && m.thread_ts !== m.ts), message: m, at });
  }
  return out.sort((a, b) => a.at - b.at || Number(a.message.ts) - Number(b.message.ts));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
