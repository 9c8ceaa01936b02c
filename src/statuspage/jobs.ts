import { z } from 'zod';
import { incidentRef } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { defineJob, type RegisteredJob } from '../scheduler/jobs.js';
import type { StatusPage } from './service.js';

export function statuspageJobs(sp: StatusPage | undefined): RegisteredJob[] {
  return [
    defineJob({
      kind: JOB.statuspagePublish,
      // `limited`: 420/429 answers in a row (the backoff); `postingSince`: a create may have landed.
      payload: z.object({ postingSince: z.string().datetime().optional(), lookedAt: z.string().datetime().optional(), limited: z.number().int().optional() }),
      maxAttempts: 10,
      what: (job) => `publish ${job.incidentId === null ? 'an incident' : incidentRef(job.incidentId)} to the status page`,
      run: async (job, ctx) => (sp && job.incidentId !== null ? sp.publish(job.incidentId, job.payload, ctx) : {}),
    }),
  ];
}
