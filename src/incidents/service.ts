import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { ConflictError, UserError } from '../core/errors.js';
import { incidentRef, isOpen, statusLabel, type Incident, type OpenStatus } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';
import { reminderCadence, reminderDueAfter } from '../core/reminders.js';
import { splitMessage } from '../core/slack-text.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { Store } from '../store/index.js';
import { incidentCard, type CardExtras } from '../slack/blocks/incident-card.js';
import { levelReply, resolveReply, roleReply, updateReply } from '../slack/blocks/thread.js';
import { scheduleJob } from '../store/jobs.js';
import { DuplicateRequestError } from '../store/requests.js';

const DUPLICATE = Symbol('duplicate request');
import { findPostedCard } from './find-card.js';

/** The job that posts a card Slack refused at declaration. */
export const CARD_JOB = 'post_card';
export const CARD_EVENT = 'dr_incident_card';

export interface DeclareInput {
  level: LevelNumber;
  title: string;
  description: string;
  services: string[];
  drill: boolean;
  commander: string;
}

/**
 * What other capabilities (paging, the post-recovery checklist…) do when an incident changes. They run
 * after the change is stored and shown; a failing listener is logged and never undoes the change.
 */
export interface IncidentListener {
  declared?(inc: Incident, actor: string): Promise<void>;
  levelChanged?(inc: Incident, from: LevelNumber, actor: string): Promise<void>;
  resolved?(inc: Incident, actor: string): Promise<void>;
  /** Lines the listener adds to the card (paging: who acknowledged); asked on every redraw. */
  cardExtras?(inc: Incident): Promise<CardExtras>;
}

/**
 * Every change to an incident goes through here: PostgreSQL first (the conditional update decides),
 * then Slack is brought in line — the card edited, one line in its thread.
 */
export class IncidentService {
  constructor(
    private readonly d: {
      store: Store;
      policy: Policy;
      slack: WebClient;
      /** A client that never retries by itself: a card re-sent after a timeout could land twice. */
      slackOnce?: WebClient;
      clock: Clock;
      log: Logger;
      /** The incident channel's ID (the start-up check resolved INCIDENT_CHANNEL to it). */
      channel: string;
    },
  ) {}

  private readonly listeners: IncidentListener[] = [];

  on(listener: IncidentListener): void {
    this.listeners.push(listener);
  }

  private async emit<K extends keyof IncidentListener>(event: K, ...args: Parameters<NonNullable<IncidentListener[K]>>): Promise<void> {
    for (const l of this.listeners) {
      const fn = l[event] as ((...a: unknown[]) => Promise<void>) | undefined;
      if (!fn) continue;
      try {
        await fn.apply(l, args);
      } catch (err) {
        this.d.log.error({ err, event, incident: (args[0] as Incident).id }, 'incident listener failed');
      }
    }
  }

  async declare(input: DeclareInput, actor: string, requestKey?: string): Promise<{ incident: Incident; created: boolean }> {
    const at = this.d.clock.now();
    const reminderAt = reminderDueAfter(at, reminderCadence(this.d.policy.levels[input.level], null));
    const { incident, created } = await this.d.store.incidents.declare({ ...input, declaredBy: actor, at, requestKey, reminderAt });
    if (!created) return { incident, created };
    let withCard: Incident;
    try {
      withCard = await this.postCard(incident);
    } catch (err) {
      // Stored but not shown: a job keeps trying, so the incident gets its card as soon as Slack answers.
      await scheduleJob(this.d.store.db, { kind: CARD_JOB, key: String(incident.id), incidentId: incident.id, dueAt: new Date(at.getTime() + 2_000) });
      this.d.log.warn({ err, incident: incident.id }, 'card not posted; a job will retry');
      await this.emit('declared', incident, actor);
      const why = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
      throw new UserError(`Declared *${incidentRef(incident.id)}*, but Slack did not take its card (${why}). The bot keeps trying and posts it as soon as Slack answers.`);
    }
    this.d.log.info({ incident: incident.id, incidentLevel: incident.level, drill: incident.drill, actor }, 'incident declared');
    await this.emit('declared', withCard, actor);
    return { incident: withCard, created };
  }

  /** Posts the incident's one card and records where it is (also used by the card-retry job). */
  async postCard(incident: Incident, o: { adoptSince?: Date } = {}): Promise<Incident> {
    const card = incidentCard(incident, this.d.policy, this.d.clock.now(), await this.cardExtras(incident));
    if (o.adoptSince) {
      // A retry: an earlier attempt that timed out on our side may have reached Slack after all.
      const landed = await findPostedCard(this.d.slack, this.d.channel, incident.id, o.adoptSince);
      if (landed) {
        await this.recordCard(incident.id, landed.channel, landed.ts);
        const adopted = { ...incident, channelId: landed.channel, cardTs: landed.ts };
        await this.refreshCard(adopted);
        return adopted;
      }
    }
    const posted = await (this.d.slackOnce ?? this.d.slack).chat.postMessage({
      channel: this.d.channel,
      ...card,
      metadata: { event_type: CARD_EVENT, event_payload: { incident: incident.id } } as never,
      unfurl_links: false,
      unfurl_media: false,
    });
    await this.recordCard(incident.id, posted.channel!, posted.ts!);
    return { ...incident, channelId: posted.channel!, cardTs: posted.ts! };
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

  /** The card is out; losing where it is would orphan it (no edits, no thread), so a blip is retried. */
  private async recordCard(id: number, channel: string, ts: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.d.store.incidents.setCard(id, channel, ts);
        return;
      } catch (err) {
        if (attempt >= 5) throw err;
        this.d.log.warn({ err, incident: id, attempt }, 'could not record the card yet; retrying');
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  async update(id: number, u: { text: string; status?: OpenStatus }, actor: string, requestKey?: string): Promise<Incident> {
    const before = await this.mustBeOpen(id);
    const at = this.d.clock.now();
    // An update restarts the reminder count.
    const reminderAt = reminderDueAfter(at, this.cadence(before)) ?? null;
    const inc = await this.once(id, () => this.d.store.incidents.postUpdate(id, { ...u, by: actor, at, reminderAt, requestKey }));
    if (inc === DUPLICATE) return before;
    if (!inc) throw await this.notOpen(id);
    await this.thread(inc, updateReply(actor, u.text, inc.status as OpenStatus, inc.status !== before.status));
    await this.refreshCard(inc);
    return inc;
  }

  async assign(id: number, role: string, user: string, actor: string, requestKey?: string): Promise<Incident> {
    const r = await this.once(id, () => this.d.store.incidents.assignRole(id, { role, user, by: actor, at: this.d.clock.now(), requestKey }));
    if (r === DUPLICATE) return (await this.d.store.incidents.get(id))!;
    if (!r) throw await this.notOpen(id);
    await this.thread(r.incident, roleReply(this.d.policy, role, user, actor, r.previous));
    await this.refreshCard(r.incident);
    return r.incident;
  }

  async changeLevel(id: number, level: LevelNumber, actor: string): Promise<Incident> {
    const current = await this.mustBeOpen(id);
    if (current.level === level) throw new UserError(`${incidentRef(id)} is already L${level}.`);
    const at = this.d.clock.now();
    const r = await this.d.store.incidents.changeLevel(id, { level, by: actor, at, reminderAt: this.reminderAfterChange({ ...current, level }, at) });
    if (!r) throw await this.notOpen(id);
    await this.thread(r.incident, levelReply(this.d.policy, r.from, level, actor));
    await this.refreshCard(r.incident);
    await this.emit('levelChanged', r.incident, r.from, actor);
    return r.incident;
  }

  async resolve(id: number, summary: string, actor: string, requestKey?: string): Promise<Incident> {
    const inc = await this.once(id, () => this.d.store.incidents.resolve(id, { by: actor, summary, at: this.d.clock.now(), requestKey }));
    if (inc === DUPLICATE) return (await this.d.store.incidents.get(id))!;
    if (!inc) throw await this.notOpen(id);
    await this.thread(inc, resolveReply(inc, actor, summary));
    await this.refreshCard(inc);
    await this.emit('resolved', inc, actor);
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

  async refreshCard(inc: Incident): Promise<void> {
    if (!inc.channelId || !inc.cardTs) return;
    await this.d.slack.chat.update({ channel: inc.channelId, ts: inc.cardTs, ...incidentCard(inc, this.d.policy, this.d.clock.now(), await this.cardExtras(inc)) });
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

  /**
   * Slack's own link to the card (chat.getPermalink: no scope needed, any conversation type). A message's
   * permalink never changes, so each is asked once per process (the App Home asks for every open incident).
   */
  async permalink(inc: Incident): Promise<string | undefined> {
    if (!inc.channelId || !inc.cardTs) return undefined;
    const key = `${inc.channelId}/${inc.cardTs}`;
    const known = this.permalinks.get(key);
    if (known) return known;
    try {
      const link = (await this.d.slack.chat.getPermalink({ channel: inc.channelId, message_ts: inc.cardTs })).permalink;
      if (link) this.permalinks.set(key, link);
      return link;
    } catch (err) {
      this.d.log.warn({ err, incident: inc.id }, 'no permalink for the card');
      return undefined;
    }
  }

  private readonly permalinks = new Map<string, string>();

  private async thread(inc: Incident, text: string): Promise<void> {
    if (!inc.channelId || !inc.cardTs) return;
    // Longer than Slack's 4,000 characters (an update full of `&<>`): several replies, marked "continued".
    for (const part of splitMessage(text)) {
      await this.d.slack.chat.postMessage({ channel: inc.channelId, thread_ts: inc.cardTs, text: part, unfurl_links: false, unfurl_media: false });
    }
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
