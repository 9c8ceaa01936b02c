/**
 * What a starting process settles before it ticks or listens: runs a dead process left behind, the restore
 * test's schedule, work queued but never carried out, old request keys. Each failure is logged, not fatal:
 * a bot that cannot tidy up still serves.
 */
import type { Clock } from './core/clock.js';
import type { Logger } from './observability/logger.js';
import type { Policy } from './policy.js';
import type { ActionEngine } from './runbooks/engine.js';
import { startActions } from './runbooks/lifecycle.js';
import { startRestoreTests } from './runbooks/recovery/restore-test-jobs.js';
import type { Database } from './store/db.js';
import { pruneHandledRequests, sweepUnsent } from './store/outbox.js';

export async function runStartupChores(d: { actions: ActionEngine; db: Database; policy: Policy; clock: Clock; log: Logger }): Promise<void> {
  // Runs a dead process left behind are marked interrupted and announced before anything else happens.
  await startActions(d.actions).catch((err: unknown) => d.log.error({ err }, 'could not check for interrupted actions'));
  await startRestoreTests(d).catch((err: unknown) => d.log.error({ err }, 'could not plan the restore test'));
  // Incidents left without a card and pages never sent (their jobs died, or a crash predates them) get jobs.
  await sweepUnsent(d.db)
    .then((swept) => Object.values(swept).some((n) => n > 0) && d.log.warn({ swept }, 'start-up sweep: queued work that was never carried out'))
    .catch((err: unknown) => d.log.error({ err }, 'start-up sweep failed'));
  await pruneHandledRequests(d.db, 24 * 3_600_000).catch((err: unknown) => d.log.warn({ err }, 'could not prune handled requests'));
}
