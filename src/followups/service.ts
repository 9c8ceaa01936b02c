/**
 * Follow-ups: action items of an incident (`/incident followup`), with an owner, a due date and a state.
 * Shown on the card once the incident is resolved, listed in the postmortem; checklist items left unticked at
 * close become follow-ups on their own (src/store/follow-ups.ts). An optional export makes one issue per item.
 */
import type { Clock } from '../core/clock.js';
import type { FollowUpInput } from '../core/follow-up.js';
import { isOpen, type Incident } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import type { CardExtras } from '../slack/blocks/incident-card.js';
import { followUpLine } from '../slack/blocks/follow-ups.js';
import type { FollowUp, FollowUpStore } from '../store/follow-ups.js';
import type { Queryable } from '../store/db.js';
import type { Logger } from '../observability/logger.js';
import type { GitHubIssues } from './github.js';
import { scheduleJob } from '../store/jobs.js';
import { queueCardEdit, queueThreadLine } from '../store/outbox.js';

export class FollowUps {
  constructor(private readonly d: { store: FollowUpStore; db: Queryable; clock: Clock; nudge?: () => void; github?: GitHubIssues; log?: Logger }) {}

  get exportConfigured(): boolean {
    return Boolean(this.d.github);
  }

  /**
   * The items, with the state of exported ones read from their issues first (closed there = done here): synced
   * when the bot checks, not mirrored live. An unreachable tracker leaves the last known state.
   */
  async listSynced(incidentId: number): Promise<{ items: FollowUp[]; syncError?: string }> {
    const items = await this.d.store.list(incidentId);
    if (!this.d.github) return { items };
    let syncError: string | undefined;
    for (const f of items.filter((x) => x.issueNumber !== null)) {
      try {
        const issue = await this.d.github.get(f.issueNumber!);
        const state = issue.state === 'closed' ? 'done' : 'open';
        if (state !== f.state) await this.d.store.setState(f.id, state, this.d.clock.now());
      } catch (err) {
        syncError = (err as Error).message;
        this.d.log?.warn({ err, followUp: f.id }, 'follow-up state not synced');
        break;
      }
    }
    return { items: await this.d.store.list(incidentId), ...(syncError ? { syncError } : {}) };
  }

  async add(inc: Incident, f: FollowUpInput, by: string): Promise<FollowUp> {
    const added = await this.d.store.add({ incidentId: inc.id, ...f, by, at: this.d.clock.now() }, async (tx, item, eventId) => {
      await queueThreadLine(tx, { incidentId: inc.id, key: `tl${eventId}`, text: followUpLine(item, by) });
      // The card lists follow-ups once the incident is resolved; before that they are in the thread.
      if (!isOpen(inc.status)) await queueCardEdit(tx, inc.id);
    });
    this.d.nudge?.();
    return added;
  }

  list(incidentId: number): Promise<FollowUp[]> {
    return this.d.store.list(incidentId);
  }

  /** The card's follow-ups, after resolve. */
  async cardExtras(inc: Incident): Promise<CardExtras> {
    if (isOpen(inc.status)) return {};
    const items = await this.d.store.list(inc.id);
    return items.length ? { followUps: items } : {};
  }

  /**
   * One export job per item without an issue yet: a pending job is only moved (asking twice queues nothing
   * more), and the job itself finds an issue that already exists before it creates one.
   */
  async export(incidentId: number): Promise<{ queued: number; already: number }> {
    const items = await this.d.store.list(incidentId);
    const todo = items.filter((x) => !x.issueUrl);
    for (const f of todo) await scheduleJob(this.d.db, { kind: JOB.followUpExport, key: String(f.id), incidentId, dueAt: this.d.clock.now() });
    this.d.nudge?.();
    return { queued: todo.length, already: items.length - todo.length };
  }
}
