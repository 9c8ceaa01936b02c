import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { retryDelayMs } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/db.js';
import type { NewTimelineEntry } from '../store/timeline.js';
import { claimDueJobs, renewLease, deadLetterJob, deferJob, failJob, LeaseLostError, releaseAll, releaseJob, type Job } from '../store/jobs.js';
import { JobWrites } from '../store/job-writes.js';
import { BadPayloadError, type RegisteredJob } from './jobs.js';
import { Deferred, rateLimitedMs } from './deferred.js';

/** What a handler answers: a next due time reschedules the job, nothing means it is done. */
export interface JobResult {
  next?: Date;
  payload?: Record<string, unknown>;
  /** What the run did, for the incident's timeline: written in the statement that records the outcome. */
  timeline?: NewTimelineEntry;
}
export interface JobContext {
  /** Persist intent before a side effect; throws when the job is no longer ours, so nothing is done twice. */
  checkpoint(patch: Record<string, unknown>): Promise<void>;
  /** Keeps the lease through a long step (a pg_restore): throws when the job is no longer ours. */
  renew?(): Promise<void>;
}
export type JobHandler = (job: Job, ctx: JobContext) => Promise<JobResult>;

export interface SchedulerOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  /** The typed job registry (scheduler/jobs.ts): kind → definition. */
  jobs: Record<string, RegisteredJob>;
  owner?: string;
  tickMs?: number;
  leaseMs?: number;
  batch?: number;
  concurrency?: number;
  /** Observers for metrics: how long each claim took, and how late each job started. */
  onClaim?: (ms: number, claimed: number) => void;
  onJobStart?: (job: Job, lateMs: number) => void;
  /** A job was dead-lettered: make it visible (a line in the incident's thread, a counter). */
  onDeadLetter?: (job: Job, d: { what: string; attempts: number; error: string }) => Promise<void>;
  /** A job finished and its outcome is recorded (someone in this process may be waiting for it). */
  onJobDone?: (job: Job) => void;
}

/**
 * The due-work ticker every bot process runs. Each tick claims due jobs (SKIP LOCKED + lease, so two
 * replicas never take the same one) for the workers that are free, runs their handlers, and finishes or
 * retries them. A tick does not wait for the jobs it started: one slow Slack call (up to its 15 s timeout)
 * holds one worker, never the claiming of other due work (a new incident's card). A database outage is
 * logged and waited out: the jobs are rows, so nothing is lost while it lasts.
 */
export class Scheduler {
  readonly owner: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private outageSince?: number;
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly concurrency: number;
  /** Checkpoints and outcomes of the jobs running side by side, one statement per batch (store/job-writes.ts). */
  private readonly writes: JobWrites;
  /** Jobs this process is running, by id: they use up workers and are never claimed again while they run. */
  private readonly inHand = new Map<number, Promise<void>>();
  /** The last claim took all it asked for: more may be due, so a freed worker looks again at once. */
  private moreDue = false;

  constructor(private readonly o: SchedulerOptions) {
    this.owner = o.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.tickMs = o.tickMs ?? 1_000;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.batch = o.batch ?? 100;
    // 16 jobs side by side: with their statements shared (job-writes.ts) a reminder backlog drained at 705/s
    // against 573/s with 8 (the bench's burst), which was waiting on round trips, not on the cores.
    this.concurrency = o.concurrency ?? 16;
    this.writes = new JobWrites(o.db);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Due work was just added (a page to send): look now instead of at the next tick. A poke during a
   * tick makes the loop go round again without pausing, so it is never lost.
   */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  private poked = false;

  /** Stops ticking, lets the jobs in hand finish, and hands back every lease. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.all(this.inHand.values());
    await releaseAll(this.o.db, this.owner).catch((err: unknown) => this.o.log.warn({ err }, 'scheduler: could not release leases'));
  }

  /** Claims due jobs for the free workers and starts them (without waiting for them); answers how many it started. */
  async tick(): Promise<number> {
    const free = this.concurrency - this.inHand.size;
    if (free <= 0) return 0;
    const limit = Math.min(this.batch, free);
    const started = performance.now();
    const jobs = await claimDueJobs(this.o.db, { owner: this.owner, leaseMs: this.leaseMs, limit, skip: [...this.inHand.keys()] });
    this.o.onClaim?.(performance.now() - started, jobs.length);
    this.moreDue = jobs.length === limit;
    for (const job of jobs) {
      const run = this.runJob(job)
        .catch((err: unknown) => this.o.log.error({ err, job: job.id, kind: job.kind }, 'scheduler: job run failed outside its handler'))
        .finally(() => {
          this.inHand.delete(job.id);
          if (this.moreDue) this.wake?.();
        });
      this.inHand.set(job.id, run);
    }
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.tickMs;
      this.poked = false;
      try {
        await this.tick();
        if (this.outageSince !== undefined) {
          this.o.log.warn({ outageMs: Date.now() - this.outageSince }, 'scheduler: database is back');
          this.outageSince = undefined;
        }
      } catch (err) {
        if (this.outageSince === undefined) {
          this.outageSince = Date.now();
          this.o.log.error({ err }, 'scheduler: database unavailable; due work waits until it is back');
        }
        delay = Math.min(5_000, this.tickMs * 2);
      }
      // More is due and a worker is free, or work was just added: no pause. When every worker is busy, a
      // finishing job wakes the loop (moreDue) before the tick ends.
      if (this.poked || (this.moreDue && this.inHand.size < this.concurrency)) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async runJob(job: Job): Promise<void> {
    const def = this.o.jobs[job.kind];
    const log = this.o.log.child({ job: job.id, kind: job.kind, incident: job.incidentId });
    this.o.onJobStart?.(job, this.o.clock.now().getTime() - job.dueAt.getTime());
    let result: JobResult;
    try {
      if (!def) throw new BadPayloadError(job.kind, 'no definition for this kind');
      result = await def.run(job, { checkpoint: (patch) => this.writes.checkpoint(job, this.owner, patch), renew: () => renewLease(this.o.db, job, this.owner, this.leaseMs) });
    } catch (err) {
      const waitMs = err instanceof Deferred ? err.ms : rateLimitedMs(err);
      if (waitMs !== undefined) {
        // Waiting for a turn under Slack's rate limit is not a failure: no attempt is used up.
        const payload = err instanceof Deferred && err.restorePayload ? job.payload : undefined;
        await this.persist(() => deferJob(this.o.db, job, { owner: this.owner, inMs: waitMs, payload }), log);
        return;
      }
      if (err instanceof LeaseLostError) {
        log.warn('job was replanned or taken over meanwhile; this run stops without acting');
        await this.persist(() => releaseJob(this.o.db, job, this.owner), log);
        return;
      }
      const error = errorText(err);
      if (err instanceof BadPayloadError || job.attempts >= (def?.maxAttempts ?? 1)) {
        await this.deadLetter(job, def, error, log);
        return;
      }
      const retryInMs = retryDelayMs(job.attempts, { retryAfterMs: retryAfterMs(err) });
      log.warn({ err, attempts: job.attempts, retryInMs }, 'job failed; will retry');
      await this.persist(() => failJob(this.o.db, job, { owner: this.owner, retryInMs, error }), log);
      return;
    }
    await this.persist(() => this.writes.finish(job, { owner: this.owner, at: this.o.clock.now(), next: result.next, payload: result.payload, timeline: result.timeline }), log);
    if (!result.next) this.o.onJobDone?.(job);
  }

  /** Out of attempts: stop retrying, and say so where people look (never a silent drop). */
  private async deadLetter(job: Job, def: RegisteredJob | undefined, error: string, log: Logger): Promise<void> {
    const what = def ? def.what(job) : `run a ${job.kind} job`;
    log.error({ attempts: job.attempts, error, what }, 'job dead-lettered: out of attempts');
    let dead = false;
    await this.persist(async () => (dead = await deadLetterJob(this.o.db, job, { owner: this.owner, error })), log);
    if (!dead || !this.o.onDeadLetter) return;
    await this.o.onDeadLetter(job, { what, attempts: job.attempts, error }).catch((err: unknown) => log.error({ err }, 'could not announce a dead-lettered job'));
  }

  /**
   * The work is done (a message posted); recording that must not be lost to a database blip, or the
   * lease would expire and the job run twice. Retry within the lease.
   */
  private async persist(write: () => Promise<unknown>, log: Logger): Promise<void> {
    const deadline = Date.now() + this.leaseMs * 0.8;
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          log.error({ err }, 'job outcome could not be recorded; it may run again when its lease ends');
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }
}

/** Slack's error code when it gave one ("internal_error"), else the message. */
function errorText(err: unknown): string {
  const code = (err as { data?: { error?: unknown } })?.data?.error;
  if (typeof code === 'string') return code;
  return String((err as Error)?.message ?? err);
}

/** Slack's 429 carries Retry-After; @slack/web-api surfaces it as `retryAfter` seconds. */
function retryAfterMs(err: unknown): number | undefined {
  const s = (err as { retryAfter?: unknown })?.retryAfter;
  return typeof s === 'number' ? s * 1000 : undefined;
}
