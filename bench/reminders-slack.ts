/**
 * Worker: "Slack" for the reminder benchmark. The emulator the bot process posts its reminders to, in a
 * thread of its own so that the bench's polling never delays an answer. It notes, for every reminder,
 * when the emulator received the chat.postMessage (CallRecord.at, wall clock like the jobs' due_at).
 */
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../test/helpers/harness.js';
import { SlackEmulator, type CallRecord } from '../src/sandbox/emulator.js';
import { serve } from './workers.js';

export interface SeenPost {
  incident: number;
  seq: number;
  escalated: boolean;
  /** Posted as a reply in the incident card's thread (the normal, non-escalated place). */
  inThread: boolean;
  /** Wall-clock ms when the emulator received the request. */
  at: number;
}

const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
await emulator.start();
seedWorkspace(emulator);

let posts: SeenPost[] = [];
let failed: Record<string, number> = {};
let otherCalls: Record<string, number> = {};

function metadataOf(args: Record<string, unknown>): { event_type?: string; event_payload?: { incident?: number; seq?: number; escalated?: boolean } } | undefined {
  const md = args.metadata;
  if (typeof md === 'string') {
    try {
      return JSON.parse(md);
    } catch {
      return undefined;
    }
  }
  return md as never;
}

emulator.on('call', (c: CallRecord) => {
  if (!c.ok) {
    const k = `${c.method}: ${c.error}`;
    failed[k] = (failed[k] ?? 0) + 1;
    return;
  }
  const md = c.method === 'chat.postMessage' ? metadataOf(c.args) : undefined;
  if (md?.event_type !== 'dr_reminder' || !md.event_payload) {
    otherCalls[c.method] = (otherCalls[c.method] ?? 0) + 1;
    return;
  }
  const p = md.event_payload;
  posts.push({ incident: Number(p.incident), seq: Number(p.seq), escalated: Boolean(p.escalated), inThread: Boolean(c.args.thread_ts), at: c.at });
});


serve(
  {
    /**
     * Puts `n` incident cards into #incident-response, as the bot would have posted them at declare time,
     * and answers their ts: the incidents are seeded with these, so reminders thread under a known parent.
     */
    cards: ({ n }: { n: number }) => {
      const ts: string[] = [];
      for (let i = 1; i <= n; i++) {
        const m = emulator.postAsBot(CHANNELS.incidents, `Bench reminder incident ${i} declared by <@${PEOPLE.alice}>`);
        ts.push(m.ts);
      }
      return ts;
    },
    progress: () => ({ posts: posts.length }),
    /** Columnar, so 10,000 posts cross the thread boundary cheaply. */
    posts: () => ({
      incident: posts.map((p) => p.incident),
      seq: posts.map((p) => p.seq),
      escalated: posts.map((p) => p.escalated),
      inThread: posts.map((p) => p.inThread),
      at: posts.map((p) => p.at),
    }),
    calls: () => ({ failed, other: otherCalls }),
    reset: () => {
      emulator.reset();
      posts = [];
      failed = {};
      otherCalls = {};
    },
    stop: () => emulator.stop(),
  },
  { apiUrl: emulator.apiUrl },
);
