/**
 * Load drivers and statistics. Pure scheduling: the caller's `fire` does the I/O, so the same drivers
 * time the bare Bolt app and the bot.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Sample {
  i: number;
  /** When the request was sent, on the process-wide clock (see monoMs), to match cards seen by another thread. */
  sentAt: number;
  ms: number;
  status: number;
  error?: string;
}

export type Fire = (i: number) => Promise<{ status: number; error?: string }>;

/**
 * A monotonic clock that every thread of the process shares (CLOCK_MONOTONIC). performance.now() is not
 * comparable across workers: each has its own time origin.
 */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;

async function measure(fire: Fire, i: number): Promise<Sample> {
  const sentAt = monoMs();
  const t0 = performance.now();
  const r = await fire(i);
  return { i, sentAt, ms: performance.now() - t0, ...r };
}

/**
 * Open loop: request i leaves at start + i/rate whether or not earlier ones were answered, so a slow
 * server meets the same arrival rate instead of being politely waited for (no coordinated omission).
 * No busy-waiting: that would stall this thread's own response handling and inflate the timings, so a
 * send may leave up to ~1 ms off schedule; `maxLagMs` reports how late the sender ever was.
 */
export async function openLoop(fire: Fire, o: { ratePerS: number; durationMs: number }): Promise<{ samples: Sample[]; maxLagMs: number; elapsedMs: number }> {
  const n = Math.round((o.ratePerS * o.durationMs) / 1000);
  const interval = 1000 / o.ratePerS;
  const start = performance.now();
  const inflight: Promise<Sample>[] = [];
  let maxLagMs = 0;
  for (let i = 0; i < n; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(Math.floor(wait));
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    inflight.push(measure(fire, i));
  }
  const samples = await Promise.all(inflight);
  return { samples, maxLagMs, elapsedMs: performance.now() - start };
}

/** Closed loop: `concurrency` senders, each sending its next request as soon as the last is answered. */
export async function closedLoop(fire: Fire, o: { concurrency: number; durationMs: number; max: number }): Promise<{ samples: Sample[]; elapsedMs: number }> {
  const start = performance.now();
  const end = start + o.durationMs;
  const samples: Sample[] = [];
  let next = 0;
  const sender = async (): Promise<void> => {
    while (performance.now() < end && next < o.max) samples.push(await measure(fire, next++));
  };
  await Promise.all(Array.from({ length: o.concurrency }, sender));
  return { samples, elapsedMs: performance.now() - start };
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface Summary {
  count: number;
  /** Transport errors (timeouts, resets) plus answers other than HTTP 200. */
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: Sample[]): Summary {
  const ms = samples.filter((s) => s.status === 200).map((s) => s.ms);
  return {
    count: samples.length,
    failed: samples.length - ms.length,
    p50: percentile(ms, 50),
    p90: percentile(ms, 90),
    p99: percentile(ms, 99),
    max: ms.length ? ms.reduce((m, x) => Math.max(m, x), -Infinity) : NaN,
    mean: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : NaN,
  };
}

/** p99 of each second of a run, by send time: shows whether slow answers cluster (start-up, GC, a backlog). */
export function p99PerSecond(samples: Sample[]): number[] {
  const first = samples.reduce((m, s) => Math.min(m, s.sentAt), Infinity);
  const buckets: number[][] = [];
  for (const s of samples) if (s.status === 200) (buckets[Math.floor((s.sentAt - first) / 1000)] ??= []).push(s.ms);
  return Array.from(buckets, (b) => Math.round(percentile(b ?? [], 99) * 10) / 10);
}
