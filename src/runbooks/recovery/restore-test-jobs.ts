/**
 * The restore test's jobs: `restore_test` (the phases of restore-test.ts, one per tick; key `schedule`
 * recurs every `restoreTest.every`, `now:<n>` is `/dr verify-backup --restore-test`) and
 * `restore_test_report` (the message in the report channel). A failed test opens an incident for the
 * policy's team, once (a request key per run). The schedule is a row: one run across replicas, kept over restarts.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { incidentRef } from '../../core/incident.js';
import { JOB } from '../../core/job-kinds.js';
import type { Clock } from '../../core/clock.js';
import type { Infra } from '../../infra/index.js';
import type { IncidentService } from '../../incidents/service.js';
import type { Logger } from '../../observability/logger.js';
import type { Policy } from '../../policy.js';
import { defineJob, type RegisteredJob } from '../../scheduler/jobs.js';
import type { Database } from '../../store/db.js';
import { scheduleJob } from '../../store/jobs.js';
import { ensureRestoreSchedule, recordRestoreTest } from '../../store/restore-tests.js';
import { findInHistory } from '../../slack/history.js';
import { restoreTestPhase, restoreTestText, type RestoreTestState } from './restore-test.js';

export interface RestoreTestDeps {
  db: Database;
  policy: Policy;
  infra: Infra;
  clock: Clock;
  log: Logger;
  slack: WebClient;
  /** The incident channel's id: the report's channel when the policy names none. */
  channel: string;
  incidents: IncidentService;
  nudge?: () => void;
}

const REPORT_EVENT = 'dr_restore_test';

const state = z.object({ phase: z.enum(['start', 'restoring', 'deleting', 'done']).default('start') }).passthrough();

/** The first member of the policy's team (the failure incident's commander); else of any team. */
function commanderOf(policy: Policy, team: string): string {
  return policy.teams[team]?.members[0] ?? Object.values(policy.teams).flatMap((t) => t.members)[0] ?? '';
}

export function restoreTestJobs(d: RestoreTestDeps): RegisteredJob[] {
  return [
    defineJob({
      kind: JOB.restoreTest,
      payload: state,
      maxAttempts: 10,
      what: (job) => `run the restore test (${job.key})`,
      run: async (job, ctx) => {
        const cfg = d.policy.targets.database?.restoreTest;
        if (!cfg) return {}; // the policy no longer asks for it
        let s = job.payload as RestoreTestState;
        const now = d.clock.now();
        s = await restoreTestPhase({ policy: d.policy, infra: d.infra, now, checkpoint: (x) => ctx.checkpoint({ ...x }), renew: ctx.renew }, s);
        // RDS is polled; a self-managed step waits on nothing (each one ran to its end), so the next is due now.
        const wait = d.policy.targets.database!.provider === 'postgres' ? 0 : (d.policy.targets.rds?.pollEvery ?? 5_000);
        if (s.phase !== 'done') return { next: new Date(now.getTime() + wait), payload: { ...s } };
        const runKey = `${job.key}@${s.startedAt ?? now.toISOString()}`;
        let opened: { ref: string; team: string } | undefined;
        let incidentId: number | undefined;
        if (!s.ok) {
          const team = d.policy.teams[cfg.team]?.name ?? cfg.team;
          const { incident } = await d.incidents.declare(
            { level: cfg.failureLevel, title: `Restore test failed${s.snapshot ? ` (${s.snapshot})` : ''}`, description: `${s.detail ?? 'no detail'} — for the ${team}.`, services: [], drill: false, commander: commanderOf(d.policy, cfg.team) },
            'dr-bot',
            `restore-test:${runKey}`,
          );
          opened = { ref: incidentRef(incident.id), team };
          incidentId = incident.id;
        }
        await d.db.transaction(async (tx) => {
          await recordRestoreTest(tx, { runKey, startedAt: s.startedAt, ok: s.ok === true, snapshot: s.snapshot, restoreMs: s.restoreMs, dataAgeMs: s.dataAgeMs, detail: s.detail, incidentId });
          await scheduleJob(tx, { kind: JOB.restoreTestReport, key: runKey, dueAt: now, payload: { text: restoreTestText(s, d.policy.targets.database!.provider === 'postgres' ? { kind: 'database', name: cfg.database } : { kind: 'instance', name: cfg.instance }, opened) } });
        });
        d.nudge?.();
        d.log.info({ run: runKey, ok: s.ok }, 'restore test finished');
        return job.key === 'schedule' ? { next: new Date(now.getTime() + cfg.every), payload: { phase: 'start' } } : {};
      },
    }),
    defineJob({
      kind: JOB.restoreTestReport,
      payload: z.object({ text: z.string() }),
      maxAttempts: 20,
      what: (job) => `post the restore test report ${job.key}`,
      run: async (job) => {
        const channel = d.policy.targets.database?.restoreTest?.channel ?? d.channel;
        // A retry adopts a report that landed although its answer was lost (its metadata names the run).
        if (job.attempts > 1) {
          const oldest = String(Math.floor(job.dueAt.getTime() / 1000) - 5);
          if (await findInHistory(d.slack, channel, oldest, (m) => m.metadata?.event_type === REPORT_EVENT && m.metadata.event_payload?.run === job.key)) return {};
        }
        await d.slack.chat.postMessage({ channel, text: job.payload.text, metadata: { event_type: REPORT_EVENT, event_payload: { run: job.key } } });
        return {};
      },
    }),
  ];
}

/** At start-up: the recurring test's row exists (created once; its due time survives restarts). */
export async function startRestoreTests(d: Pick<RestoreTestDeps, 'db' | 'policy' | 'clock'>): Promise<void> {
  const cfg = d.policy.targets.database?.restoreTest;
  if (cfg) await ensureRestoreSchedule(d.db, JOB.restoreTest, new Date(d.clock.now().getTime() + cfg.every));
}

/** `/dr verify-backup --restore-test`: a run now, beside the schedule. */
export async function restoreTestNow(d: Pick<RestoreTestDeps, 'db' | 'clock' | 'nudge'>, key: string): Promise<void> {
  await scheduleJob(d.db, { kind: JOB.restoreTest, key: `now:${key}`, dueAt: d.clock.now(), payload: { phase: 'start' } });
  d.nudge?.();
}
