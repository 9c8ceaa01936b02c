/**
 * Runs a claimed action's steps in order: each outcome goes to the row (fenced by the run's owner), the
 * timeline and (through coalesced card jobs) the card. A failed step ends the run; nothing is retried on its own. A heartbeat says the
 * run is alive; when the row stops being ours (marked interrupted meanwhile), the run stops before the next step.
 */
import { redactUrls } from '../core/redact.js';
import { UserError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { ActionStore, type Action, type StepRecord } from '../store/actions.js';
import { appendTimeline } from '../store/timeline.js';
import { cardChanged, type CardDeps } from './card-sync.js';
import { recordRunMeasures } from './measures.js';
import { seconds } from '../slack/blocks/action-card.js';
import type { Runbook, RunbookContext } from './types.js';

export interface RunDeps extends CardDeps, RunbookContext {
  store: Store;
  owner: string;
}

const PROGRESS_EVERY_MS = 1_500;

export async function runAction(d: RunDeps, claimed: Action, rb: Runbook): Promise<Action> {
  const a: Action = { ...claimed, steps: claimed.steps.map((s) => ({ ...s })) };
  const steps = rb.steps(a.plan);
  const log = d.log.child({ action: a.id, kind: a.kind });
  const timeline = (kind: string, data: Record<string, unknown>) =>
    appendTimeline(d.store.db, { incidentId: a.incidentId, at: d.clock.now(), actor: 'dr-bot', kind, data: { action: a.id, kind: a.kind, ...data } });

  let lost = false;
  const beat = setInterval(() => {
    d.actions.heartbeat(a.id, d.owner).then(
      (mine) => {
        if (!mine) lost = true;
      },
      (err: unknown) => log.warn({ err }, 'heartbeat not written'),
    );
  }, d.policy.actions.heartbeatEvery);
  beat.unref?.();

  const save = async (): Promise<void> => {
    if (!(await d.actions.saveSteps(a.id, d.owner, a.steps))) lost = true;
  };
  // The card is redrawn from the row by a coalesced job, so progress never waits on Slack.
  const redraw = async (): Promise<void> => {
    await cardChanged(d.store.db, a);
    d.nudge?.();
  };
  const state: Record<string, unknown> = {};
  /** The run's end: the row, its timeline row, the card redraw and the thread line in one transaction. */
  const finish = async (o: { status: 'succeeded' | 'failed'; error?: string }, event: (done: Action) => [string, Record<string, unknown>], line: (done: Action) => string) => {
    const done = await d.store.db.transaction(async (tx) => {
      const ended = await new ActionStore(tx).finish(a.id, d.owner, { ...o, steps: a.steps });
      if (!ended) return undefined;
      const [kind, data] = event(ended);
      await appendTimeline(tx, { incidentId: a.incidentId, at: d.clock.now(), actor: 'dr-bot', kind, data: { action: a.id, kind: a.kind, ...data } });
      await cardChanged(tx, ended, { key: ended.status, text: line(ended) });
      // RPO the steps observed, and the RTO probe after a success: in the same transaction as the end.
      await recordRunMeasures(d, tx, ended, state);
      return ended;
    });
    d.nudge?.();
    return done;
  };

  try {
    await redraw();
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      if (lost) return stopLost(a, log);
      const rec: StepRecord = (a.steps[i] = { ...a.steps[i]!, status: 'running', startedAt: d.clock.now().toISOString() });
      await save();
      if (lost) return stopLost(a, log);
      await redraw();
      const t0 = performance.now();
      let lastShown = 0;
      try {
        const detail = await step.run({
          ...d,
          plan: a.plan,
          state,
          progress: async (text) => {
            rec.detail = text;
            if (performance.now() - lastShown < PROGRESS_EVERY_MS) return;
            lastShown = performance.now();
            await save();
            await redraw();
          },
        });
        Object.assign(rec, { status: 'ok', ms: Math.round(performance.now() - t0), detail: detail || undefined });
      } catch (err) {
        const message = redactUrls(err instanceof Error ? err.message : String(err));
        if (!(err instanceof UserError)) log.warn({ err, step: step.id }, 'step failed');
        Object.assign(rec, { status: 'failed', ms: Math.round(performance.now() - t0), error: message, detail: undefined });
        for (const later of a.steps.slice(i + 1)) later.status = 'skipped';
        await timeline('action_step', { step: step.id, title: step.title, status: 'failed', ms: rec.ms, error: message });
        const done = await finish(
          { status: 'failed', error: `${step.title}: ${message}` },
          () => ['action_failed', { step: step.id, error: message }],
          () => `:x: Action #${a.id} (${a.plan.title}) failed at step ${i + 1}, "${step.title}": ${message}. The steps after it did not run.`,
        );
        if (!done) return stopLost(a, log);
        return done;
      }
      await save();
      await timeline('action_step', { step: step.id, title: step.title, status: 'ok', ms: rec.ms, detail: rec.detail });
    }
    if (lost) return stopLost(a, log);
    const took = (x: Action) => (x.startedAt && x.finishedAt ? x.finishedAt.getTime() - x.startedAt.getTime() : 0);
    const done = await finish(
      { status: 'succeeded' },
      (x) => ['action_succeeded', { ms: took(x) }],
      (x) => `:white_check_mark: Action #${a.id} (${a.plan.title}) is done: ${a.steps.length} steps in ${seconds(took(x))}.`,
    );
    if (!done) return stopLost(a, log);
    return done;
  } finally {
    clearInterval(beat);
  }
}

/** Somebody else decided this run is over (interrupted after a stall): say nothing more, do nothing more. */
function stopLost(a: Action, log: RunDeps['log']): Action {
  log.warn('the action is no longer ours (marked interrupted meanwhile); stopping before the next step');
  return a;
}
