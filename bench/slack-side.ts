/**
 * Worker: "Slack" — the emulator the apps call (auth.test, chat.postMessage, response_url posts), seeded
 * like the e2e harness. It notes when each incident card arrives so the main thread can match cards to
 * the requests that caused them, by the unique title.
 */
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../test/helpers/harness.js';
import { SlackEmulator, type CallRecord } from '../src/sandbox/emulator.js';
import { monoMs } from './load.js';
import { serve } from './workers.js';

export interface Card {
  tag: string;
  at: number;
}

/** Benchmark titles are `Bench incident <tag>`; the card's fallback text carries the title. */
const TITLE_TAG = /Bench incident (\S+)/;

const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
await emulator.start();
seedWorkspace(emulator);

let cards: Card[] = [];
let failedCalls: string[] = [];
emulator.on('call', (c: CallRecord) => {
  if (!c.ok) failedCalls.push(`${c.method}: ${c.error}`);
  if (c.method !== 'chat.postMessage' || !c.ok || c.args.thread_ts) return;
  const m = TITLE_TAG.exec(String(c.args.text ?? ''));
  if (m) cards.push({ tag: m[1]!, at: monoMs() });
});

/** The ephemerals the bot answered with, counted by their first words: confirmations vs. "something broke". */
function replies(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of emulator.ephemerals()) {
    const key = e.text.replace(/INC-\d+/g, 'INC-n').replace(/`e-[0-9a-f]+`/g, '`e-…`').slice(0, 60);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

serve(
  {
    issue: ({ n }: { n: number }) => ({
      // The bot answers each declare on its response_url: one the emulator issued (an unknown one is a 404).
      responseUrls: Array.from({ length: n }, () => emulator.issueResponseUrl(PEOPLE.alice, CHANNELS.incidents)),
      triggerIds: Array.from({ length: n }, () => emulator.issueTrigger(PEOPLE.alice)),
    }),
    /** Forgets messages, calls and tokens between phases so lookups stay cheap; keeps users and channels. */
    reset: () => {
      emulator.reset();
      cards = [];
      failedCalls = [];
    },
    /** Every declare ends with one ephemeral for its user (confirmation or error): that is "finished". */
    progress: () => ({ cards: cards.length, replies: emulator.ephemerals().length }),
    cards: () => ({ cards, failedCalls: failedCalls.slice(0, 20), failedCallCount: failedCalls.length, replies: replies() }),
    stop: () => emulator.stop(),
  },
  {
    baseUrl: emulator.baseUrl,
    apiUrl: emulator.apiUrl,
    workspace: { teamId: emulator.teamId, teamDomain: 'boomcard', appId: 'A0BOOM' },
  },
);
