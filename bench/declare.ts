/**
 * The measurements. A declare is acked first and finished afterwards (database, card, confirmation), so
 * the ack figures are HTTP answer times and the card figures are taken where "Slack" sees the card.
 */
import { percentile, p99PerSecond, summarize, type Sample } from './load.js';
import type { Rig } from './rig.js';
import type { PhaseResult } from './sender.js';
import { threadCpuMs } from './thread-cpu.js';

export const ACK_LOAD = { ratePerS: 100, slices: 5, sliceMs: 2_000 } as const;
export const CARD_RATE = { ratePerS: 20, durationMs: 10_000 } as const;
const WARMUP = { kind: 'closed', concurrency: 10, durationMs: 10_000, max: 50 } as const;

type Run = PhaseResult & { appLoopBusy: number; appCpuMs: number };

const perS = (r: PhaseResult): number => r.samples.length / (r.elapsedMs / 1000);
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
const summary = (r: Run) => ({
  ...summarize(r.samples),
  p99PerSecond: p99PerSecond(r.samples),
  appLoopBusy: round(r.appLoopBusy, 3),
  appCpuMsPerRequest: round(r.appCpuMs / r.samples.length, 2),
});

/** Runs a bot phase and waits until every acked declare has finished, so phases do not overlap. */
async function botPhase(rig: Rig, url: string, tag: string, load: Parameters<Rig['run']>[2]) {
  const cpu0 = threadCpuMs();
  const sent = await rig.run(url, tag, load, { distinctResponseUrls: true });
  const acked = sent.samples.filter((s) => s.status === 200).length;
  const drained = await rig.drain(acked);
  // The bot's CPU for these declares, the work finished while draining included.
  const r: Run = { ...sent, appCpuMs: threadCpuMs() - cpu0 };
  const { cards, failedCalls, failedCallCount, replies } = await rig.cards();
  // Acked, then answered "Something broke": the user was told it failed (its card may exist anyway).
  const failedAfterAck = Object.entries(replies).reduce((n, [text, count]) => n + (text.startsWith(':boom:') ? count : 0), 0);
  return { r, acked, drained, cards, failedCalls, failedCallCount, replies, failedAfterAck };
}

/** ~50 requests each: JIT, keep-alive sockets, the bot's pool connections. */
export async function warmUp(rig: Rig, bareUrl: string, botUrl: string): Promise<void> {
  await rig.run(bareUrl, 'bare-warm', WARMUP);
  await botPhase(rig, botUrl, 'bot-warm', WARMUP);
}

/**
 * 100/s against each app, in alternating 2 s slices (bare, bot, bare, bot …) rather than 10 s of one and
 * then the other: other work on a shared machine comes and goes, and alternating spreads it over both.
 * Each bot slice waits for its declares to finish before the next bare slice starts.
 */
export async function measureAcks(rig: Rig, bareUrl: string, botUrl: string) {
  const load = { kind: 'open', ratePerS: ACK_LOAD.ratePerS, durationMs: ACK_LOAD.sliceMs } as const;
  const bare: Run[] = [];
  const bot: Awaited<ReturnType<typeof botPhase>>[] = [];
  for (let i = 0; i < ACK_LOAD.slices; i++) {
    bare.push(await rig.run(bareUrl, `bare-steady${i}`, load));
    bot.push(await botPhase(rig, botUrl, `bot-steady${i}`, load));
  }
  const pooled = (runs: Run[]) => {
    const samples: Sample[] = runs.flatMap((r) => r.samples);
    return {
      ...summarize(samples),
      p99PerSlice: runs.map((r) => round(summarize(r.samples).p99)),
      appLoopBusy: round(runs.reduce((a, r) => a + r.appLoopBusy, 0) / runs.length, 3),
      appCpuMsPerRequest: round(runs.reduce((a, r) => a + r.appCpuMs, 0) / samples.length, 2),
      maxLagMs: round(Math.max(...runs.map((r) => r.maxLagMs ?? 0))),
    };
  };
  const sum = (f: (p: (typeof bot)[number]) => number) => bot.reduce((a, p) => a + f(p), 0);
  return {
    bare: pooled(bare),
    declare: {
      ...pooled(bot.map((p) => p.r)),
      missingCards: sum((p) => p.acked - p.cards.length),
      failedAfterAck: sum((p) => p.failedAfterAck),
      failedCallCount: sum((p) => p.failedCallCount),
      failedCalls: bot.flatMap((p) => p.failedCalls).slice(0, 20),
    },
  };
}

/** The bare app at 10 concurrent, no rate limit: its throughput and p99 (the DESIGN's floor). */
export async function measureBareConcurrent(rig: Rig, url: string, durationMs: number) {
  const r = await rig.run(url, 'bare-10c', { kind: 'closed', concurrency: 10, durationMs, max: 60_000 });
  return { ...summary(r), perS: perS(r) };
}

/** Request sent → card received by the emulator, matched by the unique title. */
export async function measureCardLatency(rig: Rig, url: string) {
  const p = await botPhase(rig, url, 'bot-card', { kind: 'open', ...CARD_RATE });
  const arrived = new Map(p.cards.map((c) => [c.tag, c.at]));
  const ms: number[] = [];
  for (const s of p.r.samples) {
    const at = arrived.get(s.tag);
    if (s.status === 200 && at !== undefined) ms.push(at - s.sentAt);
  }
  return {
    ack: summary(p.r),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length ? ms.reduce((m, x) => Math.max(m, x), -Infinity) : NaN,
    missingCards: p.r.samples.length - ms.length,
    failedAfterAck: p.failedAfterAck,
    failedCalls: p.failedCalls,
    failedCallCount: p.failedCallCount,
    replies: p.replies,
  };
}

/**
 * Saturation: 10 senders with no rate limit. The bot acks before it works, so acks can outrun the work;
 * the throughput counts cards from the first request sent to the last card posted, draining included.
 */
export async function measureSaturation(rig: Rig, url: string, durationMs: number) {
  const p = await botPhase(rig, url, 'bot-10c', { kind: 'closed', concurrency: 10, durationMs, max: 30_000 });
  // reduce, not Math.min(...xs): tens of thousands of arguments can overflow the stack.
  const firstSent = p.r.samples.reduce((m, s) => Math.min(m, s.sentAt), Infinity);
  const lastCard = p.cards.reduce((m, c) => Math.max(m, c.at), -Infinity);
  const windowS = (lastCard - firstSent) / 1000;
  return {
    ack: summary(p.r),
    ackPerS: perS(p.r),
    sendMs: p.r.elapsedMs,
    drainMs: lastCard - firstSent - p.r.elapsedMs,
    cards: p.cards.length,
    declaresPerS: p.cards.length / windowS,
    drainComplete: p.drained.complete,
    missingCards: p.acked - p.cards.length,
    failedAfterAck: p.failedAfterAck,
    failedCalls: p.failedCalls,
    failedCallCount: p.failedCallCount,
    replies: p.replies,
  };
}
