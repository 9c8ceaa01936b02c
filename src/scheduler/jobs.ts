/**
 * The typed job registry: each kind has ONE definition — the schema its payload must match (checked when
 * the row is read), what it carries out (for the dead-letter line), its handler and its maximum attempts.
 */
import type { z } from 'zod';
import type { Job } from '../store/jobs.js';
import type { JobContext, JobResult } from './ticker.js';

export type TypedJob<P> = Omit<Job, 'payload'> & { payload: P };

export interface JobDefinition<P> {
  kind: string;
  payload: z.ZodType<P>;
  /** Runs after which a failing job is dead-lettered (the thread is told, /metrics counts it). */
  maxAttempts: number;
  /** What the job does, for "could not <what> after N tries": "post the card of INC-7". */
  what: (job: TypedJob<P>) => string;
  run: (job: TypedJob<P>, ctx: JobContext) => Promise<JobResult>;
}

/** A definition with its payload type erased behind the schema check: what the ticker holds. */
export interface RegisteredJob {
  kind: string;
  maxAttempts: number;
  what(job: Job): string;
  run(job: Job, ctx: JobContext): Promise<JobResult>;
}

/** A payload that does not match its kind's schema: no retry can fix it, so it is dead-lettered at once. */
export class BadPayloadError extends Error {
  constructor(kind: string, issues: string) {
    super(`the payload of a ${kind} job does not match its schema: ${issues}`);
    this.name = 'BadPayloadError';
  }
}

export function defineJob<P>(d: JobDefinition<P>): RegisteredJob {
  const typed = (job: Job): TypedJob<P> => {
    const parsed = d.payload.safeParse(job.payload);
    if (!parsed.success) throw new BadPayloadError(d.kind, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    return { ...job, payload: parsed.data };
  };
  return {
    kind: d.kind,
    maxAttempts: d.maxAttempts,
    what: (job) => {
      try {
        return d.what(typed(job));
      } catch {
        return `run a ${d.kind} job`;
      }
    },
    run: (job, ctx) => d.run(typed(job), ctx),
  };
}

/** Definitions by kind; two definitions of one kind are a wiring mistake caught at start-up. */
export function jobRegistry(defs: RegisteredJob[]): Record<string, RegisteredJob> {
  const out: Record<string, RegisteredJob> = {};
  for (const d of defs) {
    if (out[d.kind]) throw new Error(`job kind "${d.kind}" is defined twice`);
    out[d.kind] = d;
  }
  return out;
}
