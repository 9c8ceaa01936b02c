/**
 * In-process wake-ups for "my job is done": a declarer waiting for its card is woken when this process's
 * ticker posts it, instead of polling the database; another replica's work is seen by the waiter's next read.
 */
/** The wake-up key of "some job of incident <key> finished" (a thread line, a card edit). */
export const INCIDENT_WORK = 'incident';

export class JobWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** The ticker carried out (kind, key), a job of `incidentId`. */
  finished(kind: string, key: string, incidentId?: number | null): void {
    for (const wake of this.waiting.get(`${kind}|${key}`) ?? []) wake();
    if (incidentId != null) for (const wake of this.waiting.get(`${INCIDENT_WORK}|${incidentId}`) ?? []) wake();
  }

  /** Resolves when (kind, key) is carried out here, or after `ms`, whichever comes first. */
  wait(kind: string, key: string, ms: number): Promise<void> {
    const k = `${kind}|${key}`;
    return new Promise((resolve) => {
      const set = this.waiting.get(k) ?? new Set();
      this.waiting.set(k, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(k);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      set.add(done);
    });
  }
}
