import { escapeMrkdwn } from '../core/mrkdwn.js';
import { JOB } from '../core/job-kinds.js';
import type { Queryable } from '../store/db.js';
import type { Job } from '../store/jobs.js';
import { queueThreadLine } from '../store/outbox.js';

/**
 * A job given up is said in its incident's thread — "could not post X after N tries: reason" — so nobody
 * believes something happened that did not. The line is itself a job; if even it dies, only the log and
 * the /metrics counter are left (it does not announce its own death, or Slack down would loop).
 */
export async function announceDeadJob(db: Queryable, job: Job, dead: { what: string; attempts: number; error: string }): Promise<void> {
  if (job.incidentId === null) return;
  if (job.kind === JOB.threadLine && job.key.includes(':dead:')) return;
  const text = `:warning: Could not ${dead.what} after ${dead.attempts} ${dead.attempts === 1 ? 'try' : 'tries'}: ${escapeMrkdwn(dead.error.slice(0, 300))}.`;
  await queueThreadLine(db, { incidentId: job.incidentId, key: `dead:${job.id}`, text });
}
