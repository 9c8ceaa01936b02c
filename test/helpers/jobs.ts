import { z } from 'zod';
import { defineJob, jobRegistry, type RegisteredJob } from '../../src/scheduler/jobs.js';
import type { JobHandler } from '../../src/scheduler/ticker.js';

/** A registry of test job kinds whose payload is any object, each with the handler given. */
export function testJobs(handlers: Record<string, JobHandler>, maxAttempts = 1_000): Record<string, RegisteredJob> {
  return jobRegistry(
    Object.entries(handlers).map(([kind, run]) => defineJob({ kind, payload: z.record(z.string(), z.unknown()), maxAttempts, what: () => `run a ${kind} job`, run })),
  );
}
