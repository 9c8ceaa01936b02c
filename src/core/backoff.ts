/**
 * Delay before retrying a failed job: Slack's Retry-After when it gave one, else exponential from
 * `baseMs`, capped, with jitter so that replicas retrying together don't stampede.
 */
export function retryDelayMs(attempts: number, o: { retryAfterMs?: number; baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  if (o.retryAfterMs !== undefined && o.retryAfterMs >= 0) return o.retryAfterMs;
  const base = o.baseMs ?? 1_000;
  const max = o.maxMs ?? 60_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  const jitter = 0.8 + 0.4 * (o.random ?? Math.random)();
  return Math.round(exp * jitter);
}
