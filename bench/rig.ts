/**
 * The benchmark rig: the Slack worker, the sender worker, and the steps every measurement is made of
 * (run a phase against an app, wait for the bot to finish the work it acked).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHANNELS, PEOPLE, SECRET } from '../test/helpers/harness.js';
import type { PhaseResult, PhaseSpec } from './sender.js';
import { threadCpuMs } from './thread-cpu.js';
import type { Card } from './slack-side.js';
import { startWorker, type Remote } from './workers.js';

interface SlackReady {
  baseUrl: string;
  apiUrl: string;
  workspace: { teamId: string; teamDomain: string; appId: string };
}

export interface Rig {
  apiUrl: string;
  /**
   * Also answers, for this thread — the app's: how busy its event loop was while the load ran (0..1) and
   * the CPU time it used while sending (work the bot finishes after the last answer is not in it).
   */
  run(url: string, tag: string, load: PhaseSpec['load'], o?: { distinctResponseUrls?: boolean }): Promise<PhaseResult & { appLoopBusy: number; appCpuMs: number }>;
  /**
   * Waits until `expected` declares have finished — each ends with an ephemeral for its user, after its
   * card — or nothing happened for `idleMs`, or `maxMs` passed. Waiting for cards alone is not enough:
   * a confirmation still on its way would land after the next phase's reset and fail with a 404.
   */
  drain(expected: number, o?: { idleMs?: number; maxMs?: number }): Promise<{ cards: number; replies: number; complete: boolean; ms: number }>;
  cards(): Promise<{ cards: Card[]; failedCalls: string[]; failedCallCount: number; replies: Record<string, number> }>;
  closeSockets(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const slack = startWorker(new URL('./slack-side.ts', import.meta.url));
  const sender = startWorker(new URL('./sender.ts', import.meta.url));
  const [ready] = (await Promise.all([slack.ready, sender.ready]).catch(async (e: unknown) => {
    await Promise.all([slack.terminate(), sender.terminate()]); // a live worker would keep the process up
    throw e;
  })) as [SlackReady, unknown];
  const fields: PhaseSpec['fields'] = {
    ...ready.workspace,
    channelId: CHANNELS.incidents,
    channelName: 'incident-response',
    userId: PEOPLE.alice,
    userName: 'alice',
    command: '/incident',
  };
  return {
    apiUrl: ready.apiUrl,
    async run(url, tag, load, o = {}) {
      // A clean emulator per phase: its message lookups are linear scans, so leftovers would slow it down.
      await slack.call('reset');
      const count = load.kind === 'open' ? Math.round((load.ratePerS * load.durationMs) / 1000) : load.max;
      // The bare app never uses its response_url; a few thousand cycled ones keep its bodies the same size.
      const n = o.distinctResponseUrls ? count : Math.min(count, 2000);
      const { responseUrls, triggerIds } = await slack.call<{ responseUrls: string[]; triggerIds: string[] }>('issue', { n });
      const spec: PhaseSpec = { url, signingSecret: SECRET, tag, textPrefix: 'declare L3', fields, responseUrls, triggerIds, load };
      const before = performance.eventLoopUtilization();
      const cpu0 = threadCpuMs();
      const r = await sender.call<PhaseResult>('run', spec);
      return { ...r, appLoopBusy: performance.eventLoopUtilization(before).utilization, appCpuMs: threadCpuMs() - cpu0 };
    },
    async drain(expected, o = {}) {
      const idleMs = o.idleMs ?? 3000;
      const maxMs = o.maxMs ?? 30_000;
      const start = performance.now();
      let last = '';
      let lastChange = start;
      for (;;) {
        const p = await slack.call<{ cards: number; replies: number }>('progress');
        const now = performance.now();
        if (p.replies >= expected) return { ...p, complete: true, ms: now - start };
        if (`${p.cards}/${p.replies}` !== last) {
          last = `${p.cards}/${p.replies}`;
          lastChange = now;
        }
        if (now - lastChange > idleMs || now - start > maxMs) return { ...p, complete: false, ms: now - start };
        await sleep(50);
      }
    },
    cards: () => slack.call('cards'),
    closeSockets: () => sender.call('closeSockets'),
    async stop() {
      await slack.call('stop').catch(() => undefined);
      await Promise.all([slack.terminate(), sender.terminate()]);
    },
  };
}
