/**
 * Waiting on an RDS instance with the success and failure states of botocore's DBInstanceAvailable waiter
 * (core/rds-states.ts), like the SDK waiters but with what a recovery needs on top: progress lines, an extra
 * "done" condition (no longer a replica), and status checks that survive passing errors (throttling, a 5xx,
 * a timeout, the network) with backoff, instead of ending the wait on the first one.
 */
import { retryDelayMs } from '../core/backoff.js';
import { waitVerdict } from '../core/rds-states.js';
import { RdsCallError, type RdsInstance } from './rds-types.js';

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  /** Passing errors in a row after which the wait gives up. */
  maxTransientErrors: number;
  /** Besides `available`: e.g. no longer a read replica. */
  done?: (i: RdsInstance) => boolean;
  onProgress?: (line: string, elapsedMs: number) => void | Promise<void>;
}

export class RdsWaitError extends Error {
  constructor(
    message: string,
    readonly reason: 'failure-state' | 'timeout' | 'gone' | 'errors',
    readonly lastStatus?: string,
  ) {
    super(message);
    this.name = 'RdsWaitError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForInstance(describe: (timeoutMs: number) => Promise<RdsInstance | undefined>, id: string, o: WaitOptions): Promise<RdsInstance> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  let errorsInRow = 0;
  let lastStatus: string | undefined;
  for (;;) {
    let inst: RdsInstance | undefined;
    try {
      inst = await describe(Math.max(1_000, Math.min(10_000, o.timeoutMs - elapsed())));
      errorsInRow = 0;
    } catch (err) {
      const e = err instanceof RdsCallError ? err : undefined;
      if (!e?.transient) throw err;
      errorsInRow += 1;
      if (errorsInRow > o.maxTransientErrors) {
        throw new RdsWaitError(`${errorsInRow} status checks of ${id} in a row failed (last: ${e.code ?? 'error'}: ${e.message}); RDS may still be working on it`, 'errors', lastStatus);
      }
      if (elapsed() > o.timeoutMs) throw new RdsWaitError(`${id} was last seen ${lastStatus ?? 'in an unknown state'} after ${Math.round(o.timeoutMs / 1000)} s (status checks failing: ${e.code})`, 'timeout', lastStatus);
      await o.onProgress?.(`status check failed (${e.code ?? 'error'}), retrying; last seen ${lastStatus ?? 'unknown'}`, elapsed());
      await sleep(Math.min(retryDelayMs(errorsInRow, { baseMs: o.pollMs, maxMs: Math.max(o.pollMs, 30_000) }), Math.max(0, o.timeoutMs - elapsed()) + 50));
      continue;
    }
    if (!inst) throw new RdsWaitError(`${id} no longer exists`, 'gone', lastStatus);
    lastStatus = inst.status;
    const v = waitVerdict(inst.status, o.done?.(inst) ?? true);
    if (v.kind === 'done') return inst;
    if (v.kind === 'failed') throw new RdsWaitError(`${id} is ${v.why}`, 'failure-state', inst.status);
    await o.onProgress?.(inst.status, elapsed());
    if (elapsed() > o.timeoutMs) throw new RdsWaitError(`${id} is still ${inst.status} after ${Math.round(o.timeoutMs / 1000)} s; RDS keeps working on it`, 'timeout', inst.status);
    await sleep(o.pollMs);
  }
}
