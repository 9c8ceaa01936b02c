/**
 * Alerts in: an Alertmanager group that fires becomes ONE proposed incident in the incident channel
 * ("Declare L2: api-gateway 5xx > 5%?" with Declare / Dismiss), found again by its group key so repeats
 * never post twice. Declare declares at the level and services the policy's rule maps the labels to; a rule
 * may auto-declare only where the policy says so. Alerts of a declared group that resolve add thread lines.
 */
import type { WebClient } from '@slack/web-api';
import { groupTitle, matchRule } from '../core/alert-rules.js';
import type { Clock } from '../core/clock.js';
import { ConflictError, UserError } from '../core/errors.js';
import { incidentRef, type Incident } from '../core/incident.js';
import { JOB } from '../core/job-kinds.js';
import { slackDate, userRef } from '../core/mrkdwn.js';
import { chooseCommander } from '../incidents/commander.js';
import type { IncidentService } from '../incidents/service.js';
import type { Logger } from '../observability/logger.js';
import type { OnCallDirectory } from '../paging/oncall.js';
import type { Policy } from '../policy.js';
import { findInHistory } from '../slack/history.js';
import { alertsResolvedLine, proposalMessage, PROPOSAL_EVENT } from '../slack/blocks/alert-proposal.js';
import type { AlertProposal, AlertProposalStore, AlertState, Received } from '../store/alert-proposals.js';
import type { Queryable } from '../store/db.js';
import { scheduleCoalesced } from '../store/jobs.js';
import { CARD_EDIT_GAP_MS, queueThreadLine } from '../store/outbox.js';
import type { AlertGroup } from '../webhooks/alertmanager.js';

export interface AlertDeps {
  proposals: AlertProposalStore;
  incidents: IncidentService;
  oncall: OnCallDirectory;
  policy: Policy;
  slack: WebClient;
  slackOnce: WebClient;
  channel: string;
  clock: Clock;
  log: Logger;
  nudge?: () => void;
}

export type AlertOutcome = 'proposed' | 'declared' | 'updated' | 'resolved' | 'no rule' | 'not proposed';

/** The proposal message, posted or redrawn from its row (coalesced, like the card's edits). */
const queueProposal = (tx: Queryable, id: number) => scheduleCoalesced(tx, { kind: JOB.alertProposal, key: String(id), gapMs: CARD_EDIT_GAP_MS });

export class AlertIntake {
  constructor(private readonly d: AlertDeps) {}

  async receive(g: AlertGroup): Promise<{ outcome: AlertOutcome; proposal?: number; incident?: number }> {
    const rules = this.d.policy.webhooks.alertmanager?.rules ?? [];
    const labels = { ...g.groupLabels, ...g.commonLabels };
    const hit = matchRule(rules, labels);
    if (!hit) {
      this.d.log.info({ groupKey: g.groupKey, labels }, 'alert group matches no rule: not proposed');
      return { outcome: 'no rule' };
    }
    const alerts: Record<string, AlertState> = Object.fromEntries(
      g.alerts.map((a) => [a.fingerprint, { status: a.status, name: a.labels.alertname ?? 'alert', summary: a.annotations.summary, startsAt: a.startsAt, endsAt: a.endsAt }]),
    );
    const link = g.externalURL || g.alerts[0]?.generatorURL || null;
    const r = await this.d.proposals.receive(
      { groupKey: g.groupKey, firing: g.status === 'firing', alerts, link, at: this.d.clock.now(), rule: { index: hit.index, level: hit.rule.level, services: hit.rule.services, title: groupTitle(hit.rule, g), auto: hit.rule.autoDeclare } },
      (tx, rec) => this.outbox(tx, rec),
    );
    this.d.nudge?.();
    if (!r) return { outcome: 'not proposed' };
    const p = r.proposal;
    // Auto-declared (or a declare that died half-way): the incident is made now, once (its request key).
    if (p.status === 'declared' && p.incidentId === null && !r.closed) {
      const inc = await this.declareFor(p, p.decidedBy ?? 'alertmanager');
      return { outcome: 'declared', proposal: p.id, incident: inc.id };
    }
    const outcome: AlertOutcome = r.created ? 'proposed' : r.closed ? 'resolved' : 'updated';
    return { outcome, proposal: p.id, ...(p.incidentId ? { incident: p.incidentId } : {}) };
  }

  /** What a notification changes in Slack, written with it: the proposal message, the incident's thread. */
  private async outbox(tx: Queryable, r: Received): Promise<void> {
    const p = r.proposal;
    if (!p.auto || p.status !== 'declared') await queueProposal(tx, p.id);
    if (p.incidentId === null || p.status !== 'declared') return;
    const resolved = r.newlyResolved.map(([, a]) => a);
    if (resolved.length > 0 || r.closed) {
      const key = r.closed ? `alerts:${p.id}:closed` : `alerts:${p.id}:${r.newlyResolved.map(([fp, a]) => `${fp}@${a.endsAt ?? ''}`).join(',')}`.slice(0, 400);
      await queueThreadLine(tx, { incidentId: p.incidentId, key, text: alertsResolvedLine(resolved, r.closed) });
    }
  }

  /** The Declare button: the one winning click declares at the rule's level; every other click is told why not. */
  async declare(id: number, user: string): Promise<Incident> {
    const p = await this.mustGet(id);
    const now = this.d.clock.now();
    const won = await this.d.proposals.decide(id, 'declared', user, now, (tx) => queueProposal(tx, id));
    if (!won) {
      const fresh = (await this.d.proposals.get(id))!;
      // Declared by this same person whose incident was never made (the first try died): finish it.
      if (!(fresh.status === 'declared' && fresh.incidentId === null && fresh.decidedBy === user)) throw this.decided(fresh);
    }
    return this.declareFor(won ?? p, user);
  }

  async dismiss(id: number, user: string): Promise<void> {
    await this.mustGet(id);
    const won = await this.d.proposals.decide(id, 'dismissed', user, this.d.clock.now(), (tx) => queueProposal(tx, id));
    if (!won) throw this.decided((await this.d.proposals.get(id))!);
    this.d.nudge?.();
    this.d.log.info({ proposal: id, user }, 'alert proposal dismissed');
  }

  private async declareFor(p: AlertProposal, actor: string): Promise<Incident> {
    const firing = Object.values(p.alerts).filter((a) => a.status === 'firing');
    const description = [`Declared from an Alertmanager alert group (${firing.length} firing).`, ...firing.slice(0, 5).map((a) => `${a.name}${a.summary ? `: ${a.summary}` : ''}`)].join('\n').slice(0, 1_500);
    const { commander } = await chooseCommander(this.d.policy, this.d.oncall, actor);
    const { incident } = await this.d.incidents.declare({ level: p.level, title: p.title, description, services: p.services, drill: false, commander }, actor, `alert-proposal:${p.id}`);
    await this.d.proposals.setIncident(p.id, incident.id, async (tx) => {
      await queueProposal(tx, p.id);
      await queueThreadLine(tx, { incidentId: incident.id, key: `alert-proposal:${p.id}`, text: `:rotating_light: Declared from an Alertmanager alert group by ${actor === 'alertmanager' ? 'the policy (auto-declare)' : userRef(actor)}: ${firing.length} alert${firing.length === 1 ? '' : 's'} firing. Resolved alerts will be posted here.` });
    });
    this.d.nudge?.();
    this.d.log.info({ proposal: p.id, incident: incident.id, actor }, 'alert proposal declared');
    return incident;
  }

  private async mustGet(id: number): Promise<AlertProposal> {
    const p = Number.isInteger(id) && id > 0 ? await this.d.proposals.get(id) : undefined;
    if (!p) throw new UserError('This alert proposal no longer exists.');
    return p;
  }

  private decided(p: AlertProposal): Error {
    const when = p.decidedAt ? ` ${slackDate(p.decidedAt)}` : '';
    const by = p.decidedBy && p.decidedBy !== 'alertmanager' ? userRef(p.decidedBy) : 'the policy (auto-declare)';
    if (p.status === 'declared') return new ConflictError(`Already declared${p.incidentId ? ` as ${incidentRef(p.incidentId)}` : ''} by ${by}${when}${p.incidentId ? '' : '; its card is on the way'}.`);
    if (p.status === 'dismissed') return new ConflictError(`Already dismissed by ${by}${when}; nothing was declared. Declare by hand with \`/incident declare\` if it is an incident after all.`);
    return new ConflictError('Its alerts all resolved before anyone declared it; declare by hand with `/incident declare` if it is still an incident.');
  }

  /** The `alert_proposal` job: post the message (adopting one that already landed) or redraw it from the row. */
  async show(id: number, o: { adopt: boolean; beforePost: () => Promise<void> }): Promise<void> {
    const p = await this.d.proposals.get(id);
    if (!p || (p.auto && !p.ts && p.status === 'declared')) return;
    const msg = proposalMessage(p, this.d.policy);
    if (p.ts && p.channelId) {
      await this.d.slack.chat.update({ channel: p.channelId, ts: p.ts, text: msg.text, blocks: msg.blocks as never });
      return;
    }
    if (o.adopt) {
      const oldest = String(Math.floor(p.createdAt.getTime() / 1000) - 60);
      const landed = await findInHistory(this.d.slack, this.d.channel, oldest, (m) => m.metadata?.event_type === PROPOSAL_EVENT && m.metadata.event_payload?.proposal === p.id);
      if (landed?.ts) {
        await this.d.proposals.setMessage(p.id, this.d.channel, landed.ts);
        await this.d.slack.chat.update({ channel: this.d.channel, ts: landed.ts, text: msg.text, blocks: msg.blocks as never });
        return;
      }
    }
    await o.beforePost();
    const posted = await this.d.slackOnce.chat.postMessage({ channel: this.d.channel, text: msg.text, blocks: msg.blocks as never, metadata: { event_type: PROPOSAL_EVENT, event_payload: { proposal: p.id } }, unfurl_links: false, unfurl_media: false });
    await this.d.proposals.setMessage(p.id, posted.channel ?? this.d.channel, posted.ts!);
  }
}
