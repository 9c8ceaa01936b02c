/**
 * Guarded recovery actions: plan → stored `proposed` row → plan card with Confirm/Cancel → authorize the
 * clicker → claim by conditional UPDATE (one winner) → run (runner.ts). Refusals are typed errors (the one
 * error path answers them privately) and rows on the incident's timeline.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { decide, standingRoles } from '../core/authz.js';
import { ConflictError, ForbiddenError, UserError } from '../core/errors.js';
import { incidentRef, isOpen, type Incident } from '../core/incident.js';
import { roleName } from '../core/roles.js';
import { findIncident } from '../incidents/lookup.js';
import { JOB } from '../core/job-kinds.js';
import { ActionStore, type Action, type BoundApproval, type PlanRecord } from '../store/actions.js';
import type { Queryable, Tx } from '../store/db.js';
import { cancelJob, scheduleJob } from '../store/jobs.js';
import { queueActionCard } from '../store/outbox.js';
import { appendTimeline } from '../store/timeline.js';
import { approvalVerdict, cancelVerdict, fingerprintChanges, fingerprintOf, type Fingerprint } from './approval.js';
import { cardChanged, renderCard } from './card-sync.js';
import { busyError, expiredText, whyNot } from './refusals.js';
import { runAction, type RunDeps } from './runner.js';
import type { Runbook } from './types.js';

export const EXPIRY_JOB = 'action_expiry';

export interface Requester {
  userId: string;
  channelId: string;
  reply: (m: string | { text: string; blocks?: unknown[] }) => Promise<void>;
}

export interface ProposeOptions {
  /** An explicit `INC-n`; else the channel's one open incident. */
  ref?: string;
  dryRun: boolean;
  usage: string;
}

export type EngineDeps = Omit<RunDeps, 'owner'> & { owner?: string };

export class ActionEngine {
  readonly owner: string;
  private readonly runbooks = new Map<string, Runbook>();
  private readonly d: RunDeps;
  /** Runs in this process, so a graceful stop can wait for them instead of leaving them to go stale. */
  private readonly inHand = new Set<Promise<unknown>>();

  constructor(deps: EngineDeps, runbooks: Runbook[] = []) {
    this.owner = deps.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.d = { ...deps, owner: this.owner };
    runbooks.forEach((r) => this.register(r));
  }

  register(rb: Runbook): void {
    this.runbooks.set(rb.id, rb);
  }

  runbook(id: string): Runbook {
    const rb = this.runbooks.get(id);
    if (!rb) throw new UserError(`This bot does not know the action "${id}" any more; ask for it again.`);
    return rb;
  }

  /** Standing roles only: a role taken inside an incident (declaring, `/incident assign`) never widens them. */
  private standing(user: string): Set<string> {
    return standingRoles(user, this.d.policy.teams);
  }

  private name = (r: string) => roleName(r, this.d.policy.roles);

  private timeline(inc: { id: number }, actor: string, kind: string, data: Record<string, unknown>, q: Queryable = this.d.store.db): Promise<void> {
    return appendTimeline(q, { incidentId: inc.id, at: this.d.clock.now(), actor, kind, data });
  }

  /** A state change, its timeline row and its Slack jobs in one transaction; the scheduler is told after the commit. */
  private async change<T>(fn: (tx: Tx, actions: ActionStore) => Promise<T>): Promise<T> {
    const out = await this.d.store.db.transaction((tx) => fn(tx, new ActionStore(tx)));
    this.d.nudge?.();
    return out;
  }

  private async refuse(inc: Incident, user: string, data: Record<string, unknown>, err: UserError): Promise<never> {
    await this.timeline(inc, user, 'action_refused', { ...data, reason: err.message });
    throw err;
  }

  /** `/dr <runbook> …`: preflight (bad input answered before anything is stored), then the plan card. */
  async propose(who: Requester, runbookId: string, args: Record<string, unknown>, o: ProposeOptions): Promise<Action | undefined> {
    const rb = this.runbook(runbookId);
    const inc = await findIncident(this.d.store, who.channelId, o.ref, o.usage).catch((err: unknown) => {
      if (o.dryRun && err instanceof UserError) return undefined; // a dry run changes nothing: no incident needed
      throw err;
    });
    if (inc && !isOpen(inc.status)) throw new UserError(`${incidentRef(inc.id)} is ${inc.status}; recovery actions belong to an open incident.`, o.usage);
    const about = { kind: rb.id };
    const may = decide(who.userId, rb.requestRoles, { standing: this.standing(who.userId) }, this.name);
    if (!may.allowed) {
      if (inc) await this.refuse(inc, who.userId, about, new ForbiddenError(may.reason));
      throw new ForbiddenError(may.reason);
    }

    const planned = await rb.plan(this.d, args);
    const plan = { title: rb.title, ...planned };
    const steps = rb.steps(plan).map((s) => ({ id: s.id, title: s.title, status: 'pending' as const }));
    if (o.dryRun) {
      const draft = { id: 0, kind: rb.id, target: plan.target, status: 'proposed' as const, destructive: rb.destructive, plan, steps, requestedBy: who.userId, expiresAt: this.d.clock.now(), approvedBy: null, startedAt: null, finishedAt: null, endedBy: null, error: null };
      await who.reply(renderCard(this.d, draft, inc, rb, true));
      return undefined;
    }
    const busy = await this.d.actions.running(plan.target);
    if (busy) await this.refuse(inc!, who.userId, about, busyError(busy));

    const a = await this.open(rb, inc!, who.userId, args, plan, steps);
    const twoPerson = rb.destructive && a.bound!.twoPersonRule;
    // Said only once Slack has the card; if it is slow, the plan is recorded and its card follows.
    const where = a.messageTs ? `is in ${incidentRef(inc!.id)}'s thread` : `is recorded; its card will show in ${incidentRef(inc!.id)}'s thread shortly`;
    await who.reply(
      `Plan #${a.id} ${where}, waiting for ${twoPerson ? 'a second person' : 'a confirmation'}` +
        ` (${rb.approveRoles.map(this.name).join(' or ')}). It expires in ${Math.round(this.d.policy.actions.expireAfter / 60_000) || '<1'} min.`,
    );
    return a;
  }

  /** Stores the plan with what its approval is bound to (level, two-person rule, approver roles, fingerprint) and posts its card. */
  private async open(rb: Runbook, inc: Incident, requester: string, args: Record<string, unknown>, plan: PlanRecord, steps: Action['steps']): Promise<Action> {
    const bound: BoundApproval = {
      level: inc.level,
      twoPersonRule: this.d.policy.levels[inc.level].twoPersonRule,
      approveRoles: [...rb.approveRoles],
      fingerprint: fingerprintOf(plan),
    };
    const created = await this.change(async (tx, actions) => {
      const a = await actions.create({
      kind: rb.id,
      target: plan.target,
      incidentId: inc.id,
      destructive: rb.destructive,
      args,
      plan,
      steps,
      requestedBy: requester,
      expiresInMs: this.d.policy.actions.expireAfter,
      bound,
      });
      await this.timeline(inc, requester, 'action_requested', {
        action: a.id, kind: rb.id, target: plan.target, summary: plan.summary, warnings: plan.warnings,
        requestedBy: requester, level: bound.level, twoPersonRule: bound.twoPersonRule, approveRoles: bound.approveRoles, fingerprint: bound.fingerprint,
      }, tx);
      await scheduleJob(tx, { kind: EXPIRY_JOB, key: String(a.id), incidentId: inc.id, dueAt: a.expiresAt });
      await queueActionCard(tx, a);
      return a;
    });
    return this.waitForCard(created);
  }

  /** Waits (a little) for the plan card job: the action with where its card is, or as recorded when Slack is slow. */
  private async waitForCard(a: Action, ms = 5_000): Promise<Action> {
    const end = Date.now() + ms;
    for (;;) {
      const now = (await this.d.actions.get(a.id)) ?? a;
      if (now.messageTs || Date.now() >= end) return now;
      // Woken when this process's ticker posts it; another replica's post is seen by the next read.
      if (this.d.waiter) await this.d.waiter.wait(JOB.actionCard, String(a.id), Math.min(500, end - Date.now()));
      else await new Promise((r) => setTimeout(r, Math.min(100, end - Date.now())));
    }
  }

  /** Voids a plan that no longer holds (shown on its card); undefined when it is no longer waiting. */
  private voidPlan(a: Action, why: string): Promise<Action | undefined> {
    return this.change(async (tx, actions) => {
      const void_ = await actions.supersede(a.id, why);
      if (!void_) return undefined;
      await cancelJob(tx, EXPIRY_JOB, String(a.id), this.d.clock.now());
      await cardChanged(tx, void_);
      return void_;
    });
  }

  /**
   * Confirm re-runs the read-only preflight: when the facts the plan showed changed (lag past the limit, a
   * different image, replicas, snapshot), the shown plan is void, a fresh one is posted, and this click is
   * refused — what was confirmed is what runs.
   */
  private async recheck(a: Action, rb: Runbook, inc: Incident, clicker: string): Promise<Fingerprint> {
    const about = { action: a.id, kind: a.kind };
    const then = a.bound?.fingerprint ?? fingerprintOf(a.plan);
    let fresh: PlanRecord;
    try {
      fresh = { title: rb.title, ...(await rb.plan(this.d, a.args)) };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const void_ = await this.voidPlan(a, `the preflight now refuses: ${err.message}`);
      if (!void_) throw new ConflictError(whyNot(await this.mustGet(a.id)));
      return this.refuse(inc, clicker, { ...about, fingerprint: then }, new ConflictError(`Nothing was done: checked again at Confirm, the plan no longer holds — ${err.message}`));
    }
    const now = fingerprintOf(fresh);
    const changes = fingerprintChanges(then, now);
    if (changes.length === 0) return now;
    const void_ = await this.voidPlan(a, `the facts changed before Confirm: ${changes.join('; ')}`);
    if (!void_) throw new ConflictError(whyNot(await this.mustGet(a.id)));
    const steps = rb.steps(fresh).map((s) => ({ id: s.id, title: s.title, status: 'pending' as const }));
    const next = await this.open(rb, inc, a.requestedBy, a.args, fresh, steps);
    await this.timeline(inc, clicker, 'action_replanned', { ...about, replacedBy: next.id, changes, fingerprint: then, freshFingerprint: now });
    throw new ConflictError(
      `Nothing was done: the world changed since plan #${a.id} was shown (${changes.join('; ')}). ` +
        `A fresh plan #${next.id} is in the thread; confirm that one if it is still what you want.`,
    );
  }

  /** A Confirm click. Every click but the one winning the conditional UPDATE is answered with why not. */
  async confirm(actionId: number, clicker: string): Promise<Action> {
    const a = await this.mustGet(actionId);
    const rb = this.runbook(a.kind);
    const inc = (await this.d.store.incidents.get(a.incidentId))!;
    const about = { action: a.id, kind: a.kind };
    if (a.status !== 'proposed') {
      if (a.status === 'expired') await this.refuse(inc, clicker, about, new ConflictError(expiredText(a)));
      throw new ConflictError(whyNot(a));
    }
    if ((await this.d.actions.secondsLeft(a.id))! <= 0) {
      await this.expire(a.id);
      await this.refuse(inc, clicker, about, new ConflictError(expiredText(a)));
    }
    const level = this.d.policy.levels[inc.level];
    const v = approvalVerdict({
      clicker,
      requester: a.requestedBy,
      destructive: a.destructive,
      then: a.bound ?? undefined,
      now: { level: inc.level, twoPersonRule: level.twoPersonRule, approveRoles: rb.approveRoles },
      incidentStatus: inc.status,
      standing: this.standing(clicker),
      roleName: this.name,
    });
    if (!v.ok) await this.refuse(inc, clicker, about, new ForbiddenError(v.reason));
    const fingerprint = await this.recheck(a, rb, inc, clicker);

    const r = await this.d.actions.claim(a.id, { approver: clicker, owner: this.owner });
    if (!r.claimed) {
      if (r.busyWith) await this.refuse(inc, clicker, about, busyError(r.busyWith));
      const now = await this.mustGet(a.id);
      if (now.status === 'proposed' || now.status === 'expired') {
        if (now.status === 'proposed') await this.expire(a.id);
        await this.refuse(inc, clicker, about, new ConflictError(expiredText(now)));
      }
      throw new ConflictError(whyNot(now));
    }
    await this.change(async (tx) => {
      await cancelJob(tx, EXPIRY_JOB, String(a.id), this.d.clock.now());
      await this.timeline(inc, clicker, 'action_approved', { ...about, as: v.ok ? v.as : undefined, requestedBy: a.requestedBy, approvedBy: [clicker], fingerprint }, tx);
      await cardChanged(tx, r.claimed);
    });
    const run = runAction(this.d, r.claimed, rb);
    this.inHand.add(run);
    try {
      return await run;
    } finally {
      this.inHand.delete(run);
    }
  }

  async cancel(actionId: number, clicker: string): Promise<Action> {
    const a = await this.mustGet(actionId);
    const inc = (await this.d.store.incidents.get(a.incidentId))!;
    if (a.status !== 'proposed') throw new ConflictError(whyNot(a));
    const v = cancelVerdict(clicker, a.requestedBy, this.standing(clicker), this.name);
    if (!v.ok) await this.refuse(inc, clicker, { action: a.id, kind: a.kind, cancel: true }, new ForbiddenError(v.reason));
    const done = await this.change(async (tx, actions) => {
      const cancelled = await actions.cancel(a.id, clicker);
      if (!cancelled) return undefined;
      await cancelJob(tx, EXPIRY_JOB, String(a.id), this.d.clock.now());
      await this.timeline(inc, clicker, 'action_cancelled', { action: a.id, kind: a.kind }, tx);
      await cardChanged(tx, cancelled);
      return cancelled;
    });
    if (!done) throw new ConflictError(whyNot(await this.mustGet(a.id)));
    return done;
  }

  /** The expiry job (and a late click): void the plan if still unconfirmed, and say so on the card. */
  async expire(actionId: number): Promise<Action | undefined> {
    return this.change(async (tx, actions) => {
      const done = await actions.expire(actionId);
      if (!done) return undefined;
      await this.timeline({ id: done.incidentId }, 'dr-bot', 'action_expired', { action: done.id, kind: done.kind }, tx);
      await cardChanged(tx, done);
      return done;
    });
  }

  async mustGet(id: number): Promise<Action> {
    const a = Number.isSafeInteger(id) ? await this.d.actions.get(id) : undefined;
    if (!a) throw new UserError('That action no longer exists.');
    return a;
  }

  /** Lets the runs in hand finish (a graceful stop); they are interrupted by another replica otherwise. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inHand.size === 0) return;
    await Promise.race([Promise.allSettled([...this.inHand]), new Promise((r) => setTimeout(r, timeoutMs).unref?.())]);
  }

  get deps(): RunDeps {
    return this.d;
  }
}
