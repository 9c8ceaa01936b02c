import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { decide, PAGED_PERSON, standingRoles, type Grant } from '../core/authz.js';
import { ConflictError, ForbiddenError, UserError } from '../core/errors.js';
import { incidentRef, isOpen, type Incident } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';
import { slackDate, userRef } from '../core/mrkdwn.js';
import { roleName } from '../core/roles.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { ackLine, mentionLine, pageDmClosed, pagingLine, type PagedItem, type PageLine } from '../slack/blocks/page.js';
import { ackerRef, type CardAck } from '../slack/blocks/page-ack.js';
import type { Store } from '../store/index.js';
import type { NewPage, Page, PageReason, PageStore } from '../store/pages.js';
import type { DeclareOpening } from '../store/incident-declare.js';
import { queueThreadLine } from '../store/outbox.js';
import { appendEvent, appendTimeline } from '../store/timeline.js';
import type { OnCallDirectory } from './oncall.js';
import { dedupKey, levelReach, routesOf } from './plan.js';
import { PROVIDER_LABEL } from './port.js';
import type { PagingTeam } from './schema.js';
import { own } from '../core/own.js';

export interface PagingDeps {
  store: Store;
  pages: PageStore;
  oncall: OnCallDirectory;
  policy: Policy;
  slack: WebClient;
  clock: Clock;
  log: Logger;
  incidents: IncidentService;
  /** Tells this process's scheduler that pages are due now, so they go out at once, not at the next tick. */
  nudge?: () => void;
}

export type PageTarget = { team: string } | { user: string };

/**
 * Paging reacts to the incident's life (declared, level raised, resolved), pages on request, and takes
 * acknowledgements. It decides and records in PostgreSQL; the provider calls and DMs are scheduler jobs
 * (page_delivery, page_dm), so they are retried, survive restarts, and none is lost or sent twice.
 */
export class Paging {
  constructor(private readonly d: PagingDeps) {}

  /** Pages were queued outside this class (an escalation): let the scheduler send them now. */
  nudge(): void {
    this.d.nudge?.();
  }

  /** Who is on call (rotations + overrides), for `/oncall`. */
  get oncall(): OnCallDirectory {
    return this.d.oncall;
  }

  /** `/oncall override`: `user` holds `team`'s pager from now for `ms`; recorded with who said so. */
  async override(team: string, user: string, ms: number, by: string): Promise<{ startsAt: Date; endsAt: Date }> {
    const at = this.d.clock.now();
    const o = await this.d.pages.addOverride({ team, user, startsAt: at, endsAt: new Date(at.getTime() + ms), by, at });
    this.d.log.info({ team, user, by, until: o.endsAt }, 'on-call override recorded');
    return o;
  }

  /** Extra lines for the incident card: who acknowledged the pages. */
  async cardExtras(inc: Incident): Promise<{ acknowledged?: CardAck[] }> {
    const acks = await this.cardAcks(inc);
    return acks.length > 0 ? { acknowledged: acks } : {};
  }

  /**
   * What a declare starts (written in its statement): a level that only mentions gets its line now, naming
   * whom it reaches, which spares a page round job its own claim, reads and finish; a paging level gets the round.
   */
  async opening(level: LevelNumber, drill: boolean): Promise<DeclareOpening> {
    const reach = levelReach(this.d.policy.levels[level], this.d.policy.teams);
    if (reach.mention.length > 0) return { line: mentionLine({ level, drill }, this.d.policy, await this.mentions(reach.mention)) };
    return { pageRound: reach.page.length > 0 };
  }

  // ---- jobs the incident's changes queue (page_round, page_resolve) ----
  /** The `page_round` job's work; `key` (the job's) makes a replayed round say who was paged once. */
  async round(inc: Incident, reason: PageReason, actor: string, key: string): Promise<void> {
    if (reason === 'level_raised') {
      // Open provider alerts get the new severity under the same dedup key (queued as deliveries, once per level).
      const again = await this.d.pages.retrigger(inc.id, inc.level, this.d.clock.now());
      if (again > 0) this.d.log.info({ incident: inc.id, incidentLevel: inc.level, alerts: again }, 'open PagerDuty alerts re-triggered with the new severity');
    }
    await this.levelRound(inc, reason, actor, `round:${key}`);
  }

  async resolved(inc: Incident): Promise<void> {
    const closed = await this.d.pages.resolveIncident(inc.id, this.d.clock.now());
    this.d.nudge?.();
    await this.closeDms(inc, closed, { resolved: true });
  }

  /** The card's "Acknowledged" line: the first acknowledgement of each group. */
  async cardAcks(inc: Incident): Promise<CardAck[]> {
    const seen = new Set<string>();
    const out: CardAck[] = [];
    for (const p of await this.d.pages.forIncident(inc.id)) {
      if (!p.ackedBy || !p.ackedAt || seen.has(p.target)) continue;
      seen.add(p.target);
      out.push({ user: p.ackedBy, forWhom: this.forWhom(p), at: p.ackedAt, ackMs: p.ackMs ?? 0, ...(p.ackedVia ? { via: PROVIDER_LABEL[p.ackedVia], name: p.ackedByName ?? undefined } : {}) });
    }
    return out;
  }

  // ---- pages ----
  private async levelRound(inc: Incident, reason: PageReason, actor: string, lineKey: string): Promise<void> {
    const level = this.d.policy.levels[inc.level];
    const reach = levelReach(level, this.d.policy.teams);
    if (reach.mention.length > 0) {
      await this.thread(inc, lineKey, mentionLine(inc, this.d.policy, await this.mentions(reach.mention)));
      return;
    }
    if (reach.page.length === 0) return;
    const now = this.d.clock.now();
    const onCall = await this.d.oncall.all(now, reach.page);
    const wanted = reach.page.map((team) => this.teamPage(inc, team, 0, onCall[team]!.primary, { reason, actor }));
    // The pages and the line saying who was paged are one transaction: a crash leaves both or neither.
    const { created } = await this.d.pages.create(inc.id, wanted, now, async (tx, r) => {
      if (r.created.length === 0 && r.existing.length === 0) return;
      const items = r.created.map((p) => this.item(p, wanted));
      const text = pagingLine(inc, this.d.policy, { items, already: r.existing.map((p) => this.forWhom(p)), ackTimeoutMs: level.ackTimeoutMs });
      await queueThreadLine(tx, { incidentId: inc.id, key: lineKey, text });
    });
    this.d.nudge?.();
    this.d.log.info({ incident: inc.id, incidentLevel: inc.level, drill: inc.drill, paged: created.map((p) => p.target) }, 'paging');
  }

  /** `/incident page`: a team's on-call or one person, with a message; escalates like any page. */
  async page(inc: Incident, target: PageTarget, message: string | undefined, actor: string): Promise<PagedItem> {
    const now = this.d.clock.now();
    const level = this.d.policy.levels[inc.level];
    let wanted: NewPage;
    if ('team' in target) {
      const onCall = await this.d.oncall.now(target.team, now);
      wanted = this.teamPage(inc, target.team, 0, onCall.primary, { reason: 'manual', actor, message });
    } else {
      wanted = {
        target: target.user, targetKind: 'user', tier: 0, userId: target.user, level: inc.level, reason: 'manual', message, drill: inc.drill, pagedBy: actor,
        dedupKey: dedupKey(inc.id, target.user, 0), routes: [], dm: true, escalateAt: new Date(now.getTime() + level.ackTimeoutMs),
      };
    }
    const { created, existing } = await this.d.pages.create(inc.id, [wanted], now);
    this.d.nudge?.();
    if (created.length === 0) {
      const was = existing[0];
      throw new ConflictError(`${this.forWhomOf(wanted)} was already paged for ${incidentRef(inc.id)}${was ? ` ${slackDate(was.createdAt)}` : ''} and has not acknowledged yet; it escalates on its own.`);
    }
    const item = this.item(created[0]!, [wanted]);
    await this.thread(inc, `page:${created[0]!.id}`, pagingLine(inc, this.d.policy, { items: [item], ackTimeoutMs: level.ackTimeoutMs, by: actor, message }));
    return item;
  }

  /** A page for a team at a tier: its routes unless a drill; tier 1 (the secondary) is a Slack DM only. */
  teamPage(inc: Incident, team: string, tier: number, user: string | undefined, o: { reason: PageReason; actor: string; message?: string; routesTeam?: string }): NewPage {
    const routesTeam = o.routesTeam ?? team;
    const t = own(this.d.policy.teams, routesTeam) as PagingTeam | undefined;
    const level = this.d.policy.levels[inc.level];
    return {
      target: team, targetKind: 'team', tier, team: routesTeam, userId: user, level: inc.level, reason: o.reason, message: o.message, drill: inc.drill, pagedBy: o.actor,
      dedupKey: dedupKey(inc.id, team, tier), routes: tier === 1 ? [] : routesOf(t, inc.drill), dm: t?.slack.dm ?? true,
      escalateAt: tier === 0 ? new Date(this.d.clock.now().getTime() + level.ackTimeoutMs) : undefined,
    };
  }

  // ---- acknowledgement ----
  /**
   * The Acknowledge button. The store's conditional update decides; whoever loses a race is told who
   * won. Slack is brought in line afterwards, best effort: the acknowledgement itself is already kept.
   */
  async acknowledge(pageIds: number[], user: string, allowed: readonly Grant[]): Promise<{ incident: Incident; groups: Array<{ forWhom: string; ackMs: number }> }> {
    const clicked = await this.d.pages.byIds(pageIds);
    if (clicked.length === 0 || clicked.length !== new Set(pageIds).size) throw new UserError('This page no longer exists.');
    // The button's value only says which rows; who was paged and for which incident come from the rows.
    if (new Set(clicked.map((p) => p.incidentId)).size > 1) throw new ForbiddenError('This button names pages of different incidents; nothing was acknowledged.');
    const inc = await this.d.store.incidents.get(clicked[0]!.incidentId);
    const ref = incidentRef(clicked[0]!.incidentId);
    if (!inc || !isOpen(inc.status) || clicked.every((p) => p.status === 'resolved')) throw new ConflictError(`${ref} is already resolved — there is nothing left to acknowledge.`);
    const pagedUsers = clicked.map((p) => p.userId);
    const may = decide(user, allowed, { standing: standingRoles(user, this.d.policy.teams), pagedUsers, incidentRoles: inc.roles }, (r) => roleName(r, this.d.policy.roles));
    if (!may.allowed) {
      await appendTimeline(this.d.store.db, { incidentId: inc.id, at: this.d.clock.now(), actor: user, kind: 'refused', data: { interaction: 'page_acknowledge', pages: clicked.map((p) => p.id), pagedUsers, reason: may.reason } });
      this.d.log.warn({ incident: inc.id, user, pages: clicked.map((p) => p.id) }, 'acknowledge refused: not the paged person');
      throw new ForbiddenError(`Only the person who was paged (${[...new Set(pagedUsers)].map((u) => (u ? userRef(u) : 'nobody yet')).join(', ')}) or this incident's Incident Commander can acknowledge this page. Nothing changed; the escalation goes on.`);
    }
    const onBehalfOf = may.as === PAGED_PERSON ? undefined : [...new Set(pagedUsers.filter((u): u is string => Boolean(u)))];
    const now = this.d.clock.now();
    const acked = await this.d.pages.acknowledge(pageIds, user, now);
    this.d.nudge?.();
    if (acked.length === 0) {
      const fresh = await this.d.pages.byIds(pageIds);
      const by = fresh.find((p) => p.ackedBy && p.ackedAt);
      if (by) throw new ConflictError(`${ref}: already acknowledged by ${by.ackedBy === user && !by.ackedVia ? 'you' : ackerRef({ user: by.ackedBy!, via: by.ackedVia && PROVIDER_LABEL[by.ackedVia], name: by.ackedByName })} ${slackDate(by.ackedAt!)}.`);
      throw new ConflictError(`${ref} is already resolved — there is nothing left to acknowledge.`);
    }
    const groups = [...new Map(acked.map((p) => [p.target, { forWhom: this.forWhom(p), ackMs: Math.max(...acked.filter((x) => x.target === p.target).map((x) => x.ackMs ?? 0)) }])).values()];
    await this.d.store.incidents.markAcknowledged(inc.id, now);
    const eventId = await appendEvent(this.d.store.db, { incidentId: inc.id, at: now, actor: user, kind: 'page_acknowledged', data: { targets: [...new Set(acked.map((p) => p.target))], ackMs: groups.map((g) => g.ackMs), ...(onBehalfOf ? { onBehalfOf, as: may.as } : {}) } });
    this.d.log.info({ incident: inc.id, user, onBehalfOf, groups: groups.map((g) => g.forWhom) }, 'page acknowledged');
    await this.thread(inc, `tl${eventId}`, ackLine(user, groups, onBehalfOf));
    await this.d.incidents.refreshCard(inc);
    await this.bestEffort('acknowledgement shown in the DMs', () => this.closeDms(inc, acked, { ackedBy: user, ackedAt: now }));
    return { incident: inc, groups };
  }

  /** Pages acknowledged in a pager app: their DMs lose the button too (best effort, like a click's). */
  async closeDmsAcknowledged(acked: Page[], done: { ackedBy: string; ackedAt: Date; via: string; name: string }): Promise<void> {
    const inc = acked[0] && (await this.d.store.incidents.get(acked[0].incidentId));
    if (inc) await this.bestEffort('acknowledgement shown in the DMs', () => this.closeDms(inc, acked, done));
  }

  /**
   * A DM that went out while its pages were being acknowledged (in a pager app) or resolved: read the rows
   * again after recording it, and take its button off if nothing in it is open any more.
   */
  async settleDm(inc: Incident, ids: number[]): Promise<void> {
    const now = await this.d.pages.byIds(ids);
    if (now.length === 0 || now.some((p) => p.status === 'open')) return;
    const acked = now.find((p) => p.ackedBy && p.ackedAt);
    const done = acked
      ? { ackedBy: acked.ackedBy!, ackedAt: acked.ackedAt!, ...(acked.ackedVia ? { via: PROVIDER_LABEL[acked.ackedVia], name: acked.ackedByName ?? undefined } : {}) }
      : { resolved: true as const };
    await this.bestEffort('late DM closed', () => this.closeDms(inc, now, done));
  }

  /** Takes the button off each DM whose pages are all done, saying acknowledged (by whom) or resolved. */
  private async closeDms(inc: Incident, changed: Page[], done: { ackedBy: string; ackedAt: Date; via?: string; name?: string } | { resolved: true }): Promise<void> {
    const dms = new Set(changed.filter((p) => p.dmTs).map((p) => `${p.dmChannel}|${p.dmTs}`));
    if (dms.size === 0) return;
    const all = await this.d.pages.forIncident(inc.id);
    const link = await this.d.incidents.permalink(inc).catch(() => undefined);
    for (const dm of dms) {
      const [channel, ts] = dm.split('|') as [string, string];
      const inDm = all.filter((p) => p.dmChannel === channel && p.dmTs === ts);
      if (inDm.some((p) => p.status === 'open')) continue;
      const msg = pageDmClosed(inc, this.d.policy, inDm.map((p) => this.line(p)), done, link);
      await this.bestEffort('DM closed', () => this.d.slack.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks as never }));
    }
  }

  // ---- words ----
  forWhom(p: Pick<Page, 'target' | 'targetKind'>): string {
    return p.targetKind === 'user' ? userRef(p.target) : (own(this.d.policy.teams, p.target)?.name ?? p.target);
  }

  private forWhomOf(n: NewPage): string {
    return this.forWhom({ target: n.target, targetKind: n.targetKind });
  }

  line(p: Page): PageLine {
    return { id: p.id, forWhom: this.forWhom(p), tier: p.tier, message: p.message, pagedBy: p.reason === 'manual' ? p.pagedBy : undefined };
  }

  item(p: Page, wanted: NewPage[]): PagedItem {
    const w = wanted.find((x) => x.target === p.target && x.tier === p.tier);
    const via = (w?.routes ?? []).map((r) => PROVIDER_LABEL[r.provider]);
    if (w?.dm && p.userId) via.push('Slack');
    return { forWhom: this.forWhom(p), user: p.userId ?? undefined, via };
  }

  /** L3/L4: the on-call person of a team with a rotation, else its user group, else its members. */
  private async mentions(teamIds: string[]): Promise<string> {
    const onCall = await this.d.oncall.all(this.d.clock.now(), teamIds);
    const out: string[] = [];
    for (const id of teamIds) {
      const t = own(this.d.policy.teams, id) as PagingTeam | undefined;
      if (!t) continue;
      if (t.oncall && onCall[id]?.primary) out.push(`${userRef(onCall[id]!.primary!)} (on call, ${t.name})`);
      else if (t.usergroup) out.push(`<!subteam^${t.usergroup}>`);
      else out.push(...t.members.map(userRef));
    }
    return [...new Set(out)].join(' ');
  }

  /** A line in the incident's thread, through the outbox: posted once per `key`, after the card is out. */
  async thread(inc: Pick<Incident, 'id'>, key: string, text: string): Promise<void> {
    await this.d.incidents.threadLine(inc.id, key, text);
  }

  private async bestEffort(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.d.log.warn({ err }, `paging: ${what} failed`);
    }
  }
}
