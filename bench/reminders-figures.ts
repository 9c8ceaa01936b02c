/**
 * From what the emulator saw and what the bot's /metrics said to the reminder benchmark's figures. Pure.
 */
import { histogramQuantile, type Histogram } from './bot-probe.js';
import { percentile } from './load.js';

export interface Posts {
  incident: number[];
  seq: number[];
  escalated: boolean[];
  inThread: boolean[];
  at: number[];
}

export function analysePosts(posts: Posts, due: Map<number, number>) {
  const n = posts.at.length;
  const perPair = new Map<string, number>();
  const firstAt = new Map<number, number>();
  let unknownIncident = 0;
  let notSeq1 = 0;
  let escalated = 0;
  let notInThread = 0;
  for (let i = 0; i < n; i++) {
    const inc = posts.incident[i]!;
    const key = `${inc}/${posts.seq[i]}`;
    perPair.set(key, (perPair.get(key) ?? 0) + 1);
    if (!due.has(inc)) unknownIncident++;
    else if (!firstAt.has(inc) || posts.at[i]! < firstAt.get(inc)!) firstAt.set(inc, posts.at[i]!);
    if (posts.seq[i] !== 1) notSeq1++;
    if (posts.escalated[i]) escalated++;
    if (!posts.inThread[i]) notInThread++;
  }
  const lateness = [...firstAt].map(([inc, at]) => at - due.get(inc)!);
  // Lateness by the second its reminder fell due in: a backlog building up shows as a rising line.
  const firstDue = Math.min(...due.values());
  const bySecond: number[][] = [];
  for (const [inc, at] of firstAt) (bySecond[Math.floor((due.get(inc)! - firstDue) / 1000)] ??= []).push(at - due.get(inc)!);
  const times = [...posts.at].sort((a, b) => a - b);
  const drainMs = n > 1 ? times[n - 1]! - times[0]! : NaN;
  // Busiest second: the most posts whose receive times fall within any 1 s span.
  let peak = 0;
  for (let i = 0, j = 0; i < n; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const dues = [...due.values()];
  return {
    posted: n,
    duplicates: [...perPair.values()].filter((c) => c > 1).length,
    extraPosts: n - perPair.size,
    missing: [...due.keys()].filter((inc) => !firstAt.has(inc)).length,
    unknownIncident,
    notSeq1,
    escalated,
    notInThread,
    lateness: {
      p50: percentile(lateness, 50),
      p90: percentile(lateness, 90),
      p99: percentile(lateness, 99),
      max: percentile(lateness, 100),
      min: lateness.reduce((m, l) => Math.min(m, l), Infinity),
      /** Posted before its due time: should never happen (the claim checks due_at <= now). */
      early: lateness.filter((l) => l < 0).length,
      /** [p50, max] ms of the reminders due in each second of the window. */
      bySecondOfWindow: Array.from(bySecond, (l) => (l ? [percentile(l, 50), percentile(l, 100)] : null)),
    },
    /** Posts per second from the first post to the last: the drain rate while reminders kept falling due. */
    perS: (n - 1) / (drainMs / 1000),
    peakPerS: peak,
    drainMs,
    offeredPerS: dues.length > 1 ? ((dues.length - 1) * 1000) / (Math.max(...dues) - Math.min(...dues)) : NaN,
  };
}

/** Mean and estimated p50/p99 (from the buckets) of a histogram in seconds, answered in ms. */
export function histogramMs(h: Histogram) {
  return {
    observations: h.count,
    meanMs: h.count ? (h.sum / h.count) * 1000 : NaN,
    p50Ms: histogramQuantile(h, 0.5) * 1000,
    p99Ms: histogramQuantile(h, 0.99) * 1000,
    buckets: Object.fromEntries(h.buckets.map((b, i) => [`le_${b.le}`, b.count - (h.buckets[i - 1]?.count ?? 0)])),
  };
}
