/**
 * Calls made in the same turn of the event loop, run as ONE statement. The jobs one claim starts run side
 * by side and each reads its incident, checkpoints and finishes: under load that was a round trip per job
 * for each, and the round trips (a socket write and a wake-up of a PostgreSQL backend each) were the
 * largest cost of a job. Each caller still gets its own answer, as of the moment the statement runs.
 */
export class TurnBatch<In, Out> {
  private waiting?: { items: In[]; out: Promise<Out[]> };

  /** `run` answers one result per item, in the items' order. */
  constructor(private readonly run: (items: In[]) => Promise<Out[]>) {}

  add(item: In): Promise<Out> {
    if (!this.waiting) {
      const items: In[] = [];
      const out = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.waiting = undefined; // calls from here on make the next batch
        return this.run(items);
      });
      this.waiting = { items, out };
    }
    const i = this.waiting.items.push(item) - 1;
    return this.waiting.out.then((results) => results[i]!);
  }
}
