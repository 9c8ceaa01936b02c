/**
 * What the edge adapters (ELBv2, Route 53, CloudFront) share: the client settings from the policy's names,
 * one error type for every SDK failure, and the SDK waiters with a progress line.
 */
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { isTransient } from '../core/rds-states.js';

export interface AwsAccess {
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

/** The client options every edge SDK client gets: a passing throttle is retried by the SDK (3 tries, backoff). */
export const clientOptions = (a: AwsAccess) => ({
  region: a.region,
  ...(a.endpoint ? { endpoint: a.endpoint } : {}),
  ...(a.accessKeyId && a.secretAccessKey ? { credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken } } : {}),
  maxAttempts: 3,
});

/** A call to an AWS edge service that failed: the service's error code, HTTP status, and whether asking again may help. */
export class AwsCallError extends Error {
  constructor(
    readonly service: string,
    readonly code: string | undefined,
    message: string,
    readonly httpStatus: number | undefined,
    readonly transient: boolean,
    /** Route 53's InvalidChangeBatch carries a list of reasons. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'AwsCallError';
  }
}

export function awsCallError(service: string, err: unknown): AwsCallError {
  if (err instanceof AwsCallError) return err;
  const e = err as { name?: string; Code?: string; message?: string; messages?: string[]; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? (e?.name === 'ThrottlingException' ? 'Throttling' : e?.name?.replace(/Exception$|Fault$/, ''));
  const status = e?.$metadata?.httpStatusCode;
  const message = e?.message ?? String(err);
  return new AwsCallError(service, code, message, status, isTransient(code, status) || code === 'PriorRequestNotComplete' || (status === undefined && /timed? ?out|socket|ECONN/i.test(message)), e?.messages ?? []);
}

export interface AwsWaitOptions {
  timeoutMs: number;
  pollMs: number;
  /** Called with the status each check saw ("InProgress") and the time waited so far. */
  onProgress?: (status: string, elapsedMs: number) => void | Promise<void>;
}

export class AwsWaitError extends Error {
  constructor(message: string, readonly lastStatus: string | undefined) {
    super(message);
    this.name = 'AwsWaitError';
  }
}

/** The waiter's delays in seconds from the policy's poll interval (the SDK counts seconds; fractions are fine). */
export const waiterDelays = (o: AwsWaitOptions) => ({ minDelay: o.pollMs / 1000, maxDelay: Math.max(o.pollMs / 1000, Math.min(30, (o.pollMs * 4) / 1000)), maxWaitTime: Math.max(o.timeoutMs / 1000, o.pollMs / 1000 + 1) });

interface Watcher {
  command: string;
  input: Record<string, unknown>;
  output(o: unknown): void;
  error(e: unknown): void;
}

/**
 * The SDK waiters poll with `client.send` and keep no progress of their own: a middleware on the adapter's
 * client shows each status check's answer to the wait that asked, so the card can say "InProgress, 40 s", and
 * a refusal that asking again cannot cure (AccessDenied) ends the wait at once instead of at its timeout.
 */
export class WaitWatch {
  private readonly watchers = new Set<Watcher>();

  /** Installs the middleware that shows every call's answer (output or error) to the waits watching it. */
  attach<C extends { middlewareStack: MiddlewareStack<object, MetadataBearer> }>(client: C): C {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          const out = await next(args);
          this.saw(context.commandName, args.input, { output: out.output });
          return out;
        } catch (error) {
          this.saw(context.commandName, args.input, { error });
          throw error;
        }
      },
      { step: 'initialize', name: 'drBotWaitWatch' },
    );
    return client;
  }

  /** What a status check answered (output or error). */
  saw(command: string | undefined, input: unknown, r: { output?: unknown; error?: unknown }): void {
    for (const w of this.watchers) {
      if (w.command !== command || !sameInput(w.input, input)) continue;
      if ('error' in r) w.error(r.error);
      else w.output(r.output);
    }
  }

  /**
   * Runs an SDK waiter (`waitUntil…`), with progress and an
   * abort on a lasting refusal. `status` reads the watched answer's status ("InProgress").
   */
  async wait(o: AwsWaitOptions & { service: string; command: string; input: Record<string, unknown>; what: string; status: (out: unknown) => string | undefined; waiter: (p: { minDelay: number; maxDelay: number; maxWaitTime: number; abortSignal: AbortSignal }) => Promise<unknown> }): Promise<void> {
    const started = Date.now();
    const abort = new AbortController();
    let last: string | undefined;
    let refusal: AwsCallError | undefined;
    let shown: Promise<void> = Promise.resolve();
    const w: Watcher = {
      command: o.command,
      input: o.input,
      output: (out) => {
        last = o.status(out) ?? last;
        shown = shown.then(() => o.onProgress?.(last ?? 'unknown', Date.now() - started)).catch(() => undefined);
      },
      error: (e) => {
        const err = awsCallError(o.service, e);
        if (err.transient) {
          shown = shown.then(() => o.onProgress?.(`status check failed (${err.code ?? 'error'}), retrying; last seen ${last ?? 'unknown'}`, Date.now() - started)).catch(() => undefined);
          return;
        }
        refusal = err;
        abort.abort();
      },
    };
    this.watchers.add(w);
    try {
      await o.waiter({ ...waiterDelays(o), abortSignal: abort.signal });
      await shown;
    } catch (err) {
      await shown;
      if (refusal) throw refusal;
      if ((err as Error).name === 'TimeoutError') throw new AwsWaitError(`${o.what} was still ${last ?? 'not reported'} after ${Math.round(o.timeoutMs / 1000)} s; AWS keeps working on it`, last);
      throw new AwsWaitError(`the wait for ${o.what} ended: ${(err as Error).message} (last seen ${last ?? 'unknown'})`, last);
    } finally {
      this.watchers.delete(w);
    }
  }
}

const sameInput = (want: Record<string, unknown>, got: unknown): boolean =>
  typeof got === 'object' && got !== null && Object.entries(want).every(([k, v]) => (got as Record<string, unknown>)[k] === v);
