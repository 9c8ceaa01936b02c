/**
 * A runbook is a read-only `plan` (preflight: does the replica exist, how far behind is it) plus ordered
 * steps derived from the stored plan, so that whichever replica takes the Confirm click can run it.
 */
import type { Clock } from '../core/clock.js';
import type { Infra } from '../infra/index.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { PlanRecord } from '../store/actions.js';

export interface RunbookContext {
  policy: Policy;
  infra: Infra;
  log: Logger;
  clock: Clock;
}

export interface StepContext extends RunbookContext {
  plan: PlanRecord;
  /** What earlier steps of this run found out (the promoted instance's address…); never persisted. */
  state: Record<string, unknown>;
  /** A line of live progress on the card ("modifying, 40 s"); throttled by the engine. */
  progress(text: string): Promise<void>;
}

export interface Step {
  id: string;
  title: string;
  /** Runs the step; the answer is the detail shown next to ✅ ("promoted in 0.4 s", "3/3 pods updated"). */
  run(ctx: StepContext): Promise<string | void>;
}

/** A plan as its runbook makes and reads it: `data` in the runbook's own shape (JSON on the action row). */
export type RunbookPlan<D> = Omit<PlanRecord, 'data'> & { data: D };

/** A: the parsed command arguments; D: the plan's data, which only this runbook writes and reads. */
export interface Runbook<A = any, D extends object = any> {
  /** The action kind stored on the row: `failover-db`. */
  id: string;
  title: string;
  /** Destructive actions fall under the two-person rule where the incident's level asks for it. */
  destructive: boolean;
  /** Who may ask for it, and who may confirm it (fail closed: an unknown role grants nothing). */
  requestRoles: readonly string[];
  approveRoles: readonly string[];
  /** Read-only preflight; a UserError here is answered before anything is stored. */
  plan(ctx: RunbookContext, args: A): Promise<Omit<RunbookPlan<D>, 'title'>>;
  steps(plan: RunbookPlan<D>): Step[];
}
