import type { SlackEmulator } from '../../src/sandbox/emulator.js';
import type { Ephemeral, Message } from '../../src/sandbox/types.js';
import type { Harness } from './harness.js';
import { CHANNELS } from './harness.js';

/** Every text a person would read in a message's blocks, joined: what assertions look for. */
export function blockText(m: { text?: string; blocks?: Array<Record<string, any>> }): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o.text);
      else Object.values(o).forEach(walk);
    }
  };
  walk(m.blocks ?? []);
  return out.join('\n');
}

/** The card with timestamp `ts` in #incident-response, once its text satisfies `ok`. */
export function cardOf(h: Harness, ts: string, ok: (text: string) => boolean): Message | undefined {
  const card = h.emulator.messages(CHANNELS.incidents).find((m) => m.ts === ts);
  return card && ok(blockText(card)) ? card : undefined;
}

export function lastEphemeral(em: SlackEmulator, user: string, ok: (e: Ephemeral) => boolean = () => true): Ephemeral | undefined {
  return em.ephemerals({ user }).filter(ok).at(-1);
}
