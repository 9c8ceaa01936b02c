import { z } from 'zod';
import { JOB } from '../core/job-kinds.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { AlertIntake } from './service.js';

/** The proposal message's job: checkpointed before a post, so a later try adopts what may have landed. */
export function alertJobs(alerts: AlertIntake): RegisteredJob[] {
  return [
    defineJob({
      kind: JOB.alertProposal,
      payload: z.object({ postingSince: z.string().datetime().optional() }),
      maxAttempts: 12,
      what: (job) => `show alert proposal #${job.key} in the incident channel`,
      run: async (job, ctx) => {
        await alerts.show(Number(job.key), {
          adopt: job.attempts > 1 || job.payload.postingSince !== undefined,
          beforePost: () => ctx.checkpoint({ postingSince: new Date().toISOString() }),
        });
        return {};
      },
    }),
  ];
}
