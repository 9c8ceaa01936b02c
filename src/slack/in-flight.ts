/**
 * Requests the bot has acked but not finished: a command acks at once and then writes to the database and
 * Slack. A graceful stop waits for these before it hands back its leases and closes the pool, so a SIGTERM
 * during a rollout never leaves a declare half done (the row written, the confirmation lost).
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  /** Global Bolt middleware: `next()` resolves when every listener for the request has finished. */
  readonly middleware: Middleware<AnyMiddlewareArgs> = async ({ next }) => {
    await this.track(next());
  };

  /** Counts any other work that belongs to a request (the error reply after a failed listener). */
  async track<T>(work: Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work;
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Resolves true when nothing is in flight, false when `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
