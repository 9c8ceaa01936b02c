import { eventually } from './eventually.js';
import { CHANNELS, type Harness } from './harness.js';
import { blockText } from './slack-views.js';

/** The bits every guarded-action test repeats: an incident to act in, its plan cards, confirm, the outcome. */
export function actionDriver(h: () => Harness) {
  let cardTs = '';
  const thread = () => h().emulator.thread(CHANNELS.incidents, cardTs);
  return {
    /** Declares an incident (the level decides the two-person rule) and waits for its card. */
    async declare(user: string, text: string): Promise<void> {
      await h().run(user, '/incident', `declare ${text}`);
      cardTs = (await h().emulator.waitFor(() => h().cards().find((m) => m.text.includes(text.replace(/^L\d /, ''))), 10_000)).ts;
      await eventually(async () => (await h().bot.store.incidents.get(1))?.cardTs);
    },
    planCard: (n: number) => h().emulator.waitFor(() => thread().find((m) => m.text.startsWith(`Action #${n}`)), 15_000),
    cardText: (ts: string) => blockText(thread().find((m) => m.ts === ts)!),
    confirm: (user: string, n: number) => h().emulator.clickButton({ user, actionId: 'dr_action_confirm', value: String(n), channel: CHANNELS.incidents }),
    /** Waits until the card says Done or Failed and returns its text. */
    async finished(ts: string, timeoutMs = 30_000): Promise<string> {
      await h().emulator.waitFor(() => (/Done in|Failed/.test(blockText(thread().find((m) => m.ts === ts)!)) ? true : undefined), timeoutMs);
      return blockText(thread().find((m) => m.ts === ts)!);
    },
    actionCount: async () => (await h().bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions')).rows[0]!.n,
    /** The answer the user sees, with the ack or later through response_url. */
    async answer(user: string, text: string): Promise<string> {
      const before = h().emulator.ephemerals({ user }).length;
      const r = await h().run(user, '/dr', text);
      if (r.body && typeof r.body === 'object' && typeof r.body.text === 'string') return r.body.text as string;
      return (await h().emulator.waitFor(() => h().emulator.ephemerals({ user }).slice(before)[0], 15_000)).text;
    },
  };
}
