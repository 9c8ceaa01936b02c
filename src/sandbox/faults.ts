/** Faults a test queues for the next N calls of a method (or '*'), answered like Slack answers them. */
import type { FailSpec } from './types.js';

interface Queued extends FailSpec {
  method: string;
  left: number;
}

export class FaultQueue {
  private queue: Queued[] = [];

  add(method: string, how: FailSpec): void {
    this.queue.push({ ...how, method, left: how.count ?? 1 });
  }

  /** The first queued fault matching this method, used up by one call. */
  take(method: string): FailSpec | undefined {
    const f = this.queue.find((q) => q.method === method || q.method === '*');
    if (!f) return undefined;
    f.left -= 1;
    if (f.left <= 0) this.queue = this.queue.filter((q) => q !== f);
    return f;
  }

  /** HTTP status, headers and body for a fault: 429 + Retry-After, 5xx, or 200 with ok:false. */
  static answer(f: FailSpec): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
    if (f.status === 429 || (f.retryAfterSec !== undefined && f.status === undefined)) {
      return { status: 429, headers: { 'Retry-After': String(f.retryAfterSec ?? 1) }, body: { ok: false, error: f.error ?? 'ratelimited' } };
    }
    if (f.status && f.status !== 200) return { status: f.status, headers: {}, body: { ok: false, error: f.error ?? 'internal_error' } };
    return { status: 200, headers: {}, body: { ok: false, error: f.error ?? 'fatal_error' } };
  }

  clear(): void {
    this.queue = [];
  }
}
