import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { ConflictError, UserError } from '../core/errors.js';
import { incidentRef, isOpen, statusLabel, type Incident, type OpenStatus } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import type { LevelNumber } from '../core/levels.js';
import { reminderCadence, reminderDueAfter } from '../core/reminders.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { Store } from '../store/index.js';
import type { Queryable } from '../store/db.js';
import type { DeclareOpening } from '../store/incident-declare.js';
import { queueCardEdit, queuePageRound, queueResolveFollowUps, queueThreadLine, unsentThreadLines } from '../store/outbox.js';
import { DuplicateRequestError } from '../store/requests.js';
import { incidentCard, type CardExtras } from '../slack/blocks/incident-card.js';
import { Permalinks } from '../slack/permalinks.js';
import { levelReply, resolveReply, roleReply, updateReply } from '../slack/blocks/thread.js';
import { INCIDENT_WORK, JobWaiter } from '../scheduler/job-waiter.js';
import { CardPoster, type PostCardOptions } from './card-post.js';

const DUPLICATE = Symbol('duplicate request');

export interface DeclareInput {
  level: LevelNumber;
  title: string;
  description: string;
  services: string[];
  drill: boolean;
  commander: string;
}

/** What other capabilities add to the card (paging: who acknowledged); asked on every redraw. */
export interface IncidentListener {
  cardExtras?(inc: Incident): Promise<CardExtras>;
  /** What a declare at this level starts besides its card (paging: the mention line or the page round). */
  opening?(level: LevelNumber, drill: boolean): Promise<DeclareOpening>;
}

/**
 * Every change to an incident goes through here, as ONE transaction: the conditional update, its typed
 * timeline event, and the jobs that show it (thread line, card edit) or act on it (page round, resolve
 * follow-ups). The scheduler carries the jobs out; nothing a user relies on waits on this process.
 */
export class IncidentService {
  constructor(
    private readonly d: {
      store: Store;
      policy: Policy;
      slack: WebClient;
      /** A client that never retries by itself: a post re-sent after a timeout could land twice; jobs adopt instead. */
      slackOnce?: WebClient;
      clock: Clock;
      log: Logger;
      /** The incident channel's ID (the start-up check resolved INCIDENT_CHANNEL to it). */
      channel: string;
      /** Tells this process's scheduler that jobs are due now. */
      nudge?: () => void;
    },
  ) {
    this.cards = new CardPoster({ ...d, render: (inc, o) => this.renderCard(inc, o), nudge: () => this.nudge() });
  }

  private readonly listeners: IncidentListener[] = [];

  /** Woken by the ticker when a job is carried out in this process (wired in the composition root). */
  readonly waiter = new JobWaiter();

  on(listener: IncidentListener): void {
    this.listeners.push(listener);
  }

  private nudge(): void {
    this.d.nudge?.();
  }

  /** The incident and its card + page-round jobs are one statement; the scheduler posts and pages. */
  async declare(input: DeclareInput, actor: string, requestKey?: string): Promise<{ incident: Incident; created: boolean }> {
    const at = this.d.clock.now();
    const reminderAt = reminderDueAfter(at, reminderCadence(this.d.policy.levels[input.level], null));
    const opening = await this.listeners.find((l) => l.opening)?.opening?.(input.level, input.drill);
    const { incident, created } = await this.d.store.incidents.declare({ ...input, declaredBy: actor, at, requestKey, reminderAt, opening });
    if (!created) return { incident, created };
    this.d.log.info({ incident: incident.id, incidentLevel: incident.level, drill: incident.drill, actor }, 'incident declared');
    this.nudge();
    return { incident, created };
  }

  /**
   * Waits (a little) for the card job: the incident with its card once Slack has it, else undefined — then
   * the declarer is told it is recorded and will show shortly.
   */
  async waitForCard(id: number, ms = 2_500): Promise<Incident | undefined> {
    const end = Date.now() + ms;
    // Called right after the declare: the card cannot be there yet, so wait before the first read (one
    // read saved per declare). This process's ticker wakes us; another replica's post is read after 500 ms.
    await this.waiter.wait(JOB.postCard, String(id), Math.min(500, ms));
    for (;;) {
      const inc = this.cards.takeLanded(id) ?? (await this.d.store.incidents.get(id).catch(() => undefined));
      if (inc?.cardTs) return inc;
      if (Date.now() >= end) return undefined;
      // Woken when this process's ticker posts it; another replica's post is seen by the next read.
      await this.waiter.wait(JOB.postCard, String(id), Math.min(500, end - Date.now()));
    }
  }

  /** Waits (a little) until the incident's queued thread lines are in Slack; false = recorded, not shown yet. */
  async settled(id: number, ms = 2_500): Promise<boolean> {
    const end = Date.now() + ms;
    for (;;) {
      const unsent = await unsentThreadLines(this.d.store.db, id).catch(() => undefined);
      if (unsent === 0) return true;
      if (Date.now() >= end) return false;
      // Woken when this process finishes a job of the incident (not polled: in a storm every update waits
      // here while its line takes its turn); another replica's work is seen by the next read.
      await this.waiter.wait(INCIDENT_WORK, String(id), Math.min(500, end - Date.now()));
    }
  }

  /** The card as it should look now. */
  async renderCard(inc: Incident, o: { extras?: boolean } = {}): Promise<{ text: string; blocks: unknown[] }> {
    return incidentCard(inc, this.d.policy, this.d.clock.now(), o.extras === false ? {} : await this.cardExtras(inc));
  }

  /** The `post_card` job's work (card-post.ts): adopt a card that already landed, else post it; record where it is. */
  postCard(inc: Incident, o: PostCardOptions): Promise<Incident> {
    return this.cards.post(inc, o);
  }

  private readonly cards: CardPoster;

  /** The `edit_card` job's work: the card redrawn from what the database says now. */
  async editCard(inc: Incident): Promise<void> {
    if (!inc.channelId || !inc.cardTs) return;
    await this.d.slack.chat.update({ channel: inc.channelId, ts: inc.cardTs, ...(await this.renderCard(inc)) } as never);
  }

  /** Runs a change that carries a request key; a duplicate delivery is answered by doing nothing. */
  private async once<T>(id: number, change: () => Promise<T>): Promise<T | typeof DUPLICATE> {
    try {
      return await change();
    } catch (err) {
      if (!(err instanceof DuplicateRequestError)) throw err;
      this.d.log.info({ incident: id, request: err.key }, 'duplicate request ignored');
      return DUPLICATE;
    }
  }

  /** The outbox of a change shown in the thread: its line (keyed by the timeline event) and a card redraw. */
  private async shown(tx: Queryable, incidentId: number, eventId: number, text: string): Promise<void> {
    await queueThreadLine(tx, { incidentId, key: `tl${eventId}`, text });
    await queueCardEdit(tx, incidentId);
  }

  async update(id: number, u: { text: string; status?: OpenStatus }, actor: string, requestKey?: string): Promise<Incident> {
    const before = await this.mustBeOpen(id);
    const at = this.d.clock.now();
    // An update restarts the reminder count.
    const reminderAt = reminderDueAfter(at, this.cadence(before)) ?? null;
    const inc = await this.once(id, () =>
      this.d.store.incidents.postUpdate(id, {
        ...u, by: actor, at, reminderAt, requestKey,
        effects: (tx, c) => this.shown(tx, id, c.eventId, updateReply(actor, u.text, c.incident.status as OpenStatus, c.incident.status !== c.from)),
      }),
    );
    if (inc === DUPLICATE) return before;
    if (!inc) throw await this.notOpen(id);
    this.nudge();
    return inc;
  }

  async assign(id: number, role: string, user: string, actor: string, requestKey?: string): Promise<Incident> {
    const r = await this.once(id, () =>
      this.d.store.incidents.assignRole(id, {
        role, user, by: actor, at: this.d.clock.now(), requestKey,
        effects: (tx, c) => this.shown(tx, id, c.eventId, roleReply(this.d.policy, role, user, actor, c.previous)),
      }),
    );
    if (r === DUPLICATE) return (await this.d.store.incidents.get(id))!;
    if (!r) throw await this.notOpen(id);
    this.nudge();
    return r.incident;
  }

  async changeLevel(id: number, level: LevelNumber, actor: string, requestKey?: string): Promise<Incident> {
    const current = await this.mustBeOpen(id);
    if (current.level === level) throw new UserError(`${incidentRef(id)} is already L${level}.`);
    const at = this.d.clock.now();
    const r = await this.once(id, () =>
      this.d.store.incidents.changeLevel(id, {
        level, by: actor, at, requestKey, reminderAt: this.reminderAfterChange({ ...current, level }, at),
        effects: async (tx, c) => {
          await this.shown(tx, id, c.eventId, levelReply(this.d.policy, c.from, level, actor));
          // Only a raised level reaches more people; a lowered one leaves the pages as they are.
          if (level < c.from) await queuePageRound(tx, { incidentId: id, key: `tl${c.eventId}`, reason: 'level_raised', actor });
        },
      }),
    );
    if (r === DUPLICATE) return (await this.d.store.incidents.get(id))!;
    if (!r) throw await this.notOpen(id);
    this.nudge();
    return r.incident;
  }

  async resolve(id: number, summary: string, actor: string, requestKey?: string): Promise<Incident> {
    const inc = await this.once(id, () =>
      this.d.store.incidents.resolve(id, {
        by: actor, summary, at: this.d.clock.now(), requestKey,
        effects: async (tx, c) => {
          await this.shown(tx, id, c.eventId, resolveReply(c.incident, actor, summary));
          await queueResolveFollowUps(tx, id);
        },
      }),
    );
    if (inc === DUPLICATE) return (await this.d.store.incidents.get(id))!;
    if (!inc) throw await this.notOpen(id);
    this.nudge();
    return inc;
  }

  /** `/incident remind`: 0 turns reminders off for this incident. */
  async setReminderCadence(id: number, everyMs: number, actor: string): Promise<Incident> {
    const current = await this.mustBeOpen(id);
    const at = this.d.clock.now();
    const inc = await this.d.store.incidents.setReminder(id, { everyMs, by: actor, at, reminderAt: this.reminderAfterChange({ ...current, remindEveryMs: everyMs }, at) });
    if (!inc) throw await this.notOpen(id);
    return inc;
  }

  cadence(inc: Pick<Incident, 'level' | 'remindEveryMs'>): number {
    return reminderCadence(this.d.policy.levels[inc.level], inc.remindEveryMs);
  }

  /** A new cadence counts from the last update; if that moment has passed, the reminder is due now. */
  private reminderAfterChange(inc: Incident, at: Date): Date | null {
    const due = reminderDueAfter(inc.lastUpdateAt ?? inc.declaredAt, this.cadence(inc));
    if (!due) return null;
    return due < at ? at : due;
  }

  /** Something outside this service changed what the card shows (an acknowledgement): a coalesced redraw. */
  async refreshCard(inc: Pick<Incident, 'id'>): Promise<void> {
    await queueCardEdit(this.d.store.db, inc.id);
    this.nudge();
  }

  /** A listener that cannot say its lines leaves them out; the card is still redrawn. */
  private async cardExtras(inc: Incident): Promise<CardExtras> {
    const out: CardExtras = {};
    for (const l of this.listeners) {
      if (!l.cardExtras) continue;
      try {
        Object.assign(out, await l.cardExtras(inc));
      } catch (err) {
        this.d.log.warn({ err, incident: inc.id }, 'card extras failed');
      }
    }
    return out;
  }

  /** Slack's own link to the card, asked once per process (see permalinks.ts). */
  permalink(inc: Incident): Promise<string | undefined> {
    return this.permalinks.of(inc.channelId, inc.cardTs, inc.id);
  }

  private readonly permalinks = new Permalinks(() => this.d);

  /** A line in the card's thread through the outbox (paging's acknowledgement, the checklist's closing line). */
  async threadLine(incidentId: number, key: string, text: string): Promise<void> {
    await queueThreadLine(this.d.store.db, { incidentId, key, text });
    this.nudge();
  }

  private async mustBeOpen(id: number): Promise<Incident> {
    const inc = await this.d.store.incidents.get(id);
    if (!inc) throw new UserError(`${incidentRef(id)} does not exist.`);
    if (!isOpen(inc.status)) throw new ConflictError(`${incidentRef(id)} is already ${statusLabel(inc.status).toLowerCase()}.`);
    return inc;
  }

  /** The conditional update lost: say why in words (gone, or resolved meanwhile by someone else). */
  private async notOpen(id: number): Promise<UserError> {
    const inc = await this.d.store.incidents.get(id);
    if (!inc) return new UserError(`${incidentRef(id)} does not exist.`);
    return new ConflictError(`${incidentRef(id)} is already ${statusLabel(inc.status).toLowerCase()}${inc.resolvedBy ? ` (by <@${inc.resolvedBy}>)` : ''}.`);
  }
}
