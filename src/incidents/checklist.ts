import { redactUrls } from '../core/redact.js';
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import { ForbiddenError, UserError } from '../core/errors.js';
import { incidentRef, type Incident } from '../core/incident.js';
import { decide, standingRoles } from '../core/authz.js';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import { INCIDENT_COMMANDER, roleName } from '../core/roles.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import { checklistMessage } from '../slack/blocks/checklist.js';
import { checklistItems } from './checklist-items.js';
import type { Store } from '../store/index.js';
import { appendTimeline } from '../store/timeline.js';
import type { IncidentService } from './service.js';

/**
 * A check the bot can make itself; `evidence` is what it saw ("lag 0.2 s", "3/3 URLs 200"). `nothingToRead`:
 * the probe has no source for this incident (not a failure): the item is left for people to tick.
 */
export type ChecklistProbe = (kind: string, incidentId: number) => Promise<{ ok: boolean; evidence: string; nothingToRead?: boolean }>;

/**
 * "Post-Recovery Procedures": on resolve the checklist is posted in the thread, the items the bot can check
 * are probed and ticked with their evidence, people tick the rest, and the incident closes when all are.
 */
export class Checklist {
  constructor(
    private readonly d: { store: Store; policy: Policy; slack: WebClient; clock: Clock; log: Logger; incidents: IncidentService; probe?: ChecklistProbe },
  ) {}

  /** The `post_checklist` job's work: items copied once, the message posted unless it already is. */
  async resolved(inc: Incident): Promise<void> {
    const items = checklistItems(this.d.policy);
    await this.d.store.checklist.create(inc.id, items);
    if (inc.checklistTs || !inc.channelId || !inc.cardTs || items.length === 0) return;
    const posted = await this.d.slack.chat.postMessage({ channel: inc.channelId, thread_ts: inc.cardTs, ...(await this.render(inc.id)) });
    await this.d.store.checklist.setMessage(inc.id, posted.ts!);
    // Probes can take seconds (timeouts on dead targets): the person who resolved is not kept waiting.
    void this.runProbes(inc.id).catch((err: unknown) => this.d.log.error({ err, incident: inc.id }, 'checklist probes failed'));
  }

  /** Runs every probe of the incident's unticked items in parallel; passing ones tick their item. */
  async runProbes(incidentId: number): Promise<void> {
    const probe = this.d.probe;
    if (!probe) return;
    const items = (await this.d.store.checklist.list(incidentId)).filter((i) => i.probe && !i.checkedAt);
    const results = await Promise.all(
      items.map(async (i) => {
        const r = await probe(i.probe!, incidentId).catch((err: Error) => ({ ok: false, evidence: err.message }));
        return { i, r: { ...r, evidence: redactUrls(r.evidence) } };
      }),
    );
    const passed = results.filter((x) => x.r.ok).map((x) => ({ itemId: x.i.itemId, checked: true, evidence: `probe: ${x.r.evidence}` }));
    for (const x of results.filter((y) => !y.r.ok)) {
      const note = 'nothingToRead' in x.r && x.r.nothingToRead ? `not probed: ${x.r.evidence}` : `probe failed: ${x.r.evidence}`;
      await this.d.store.checklist.note(incidentId, x.i.itemId, note);
    }
    if (passed.length) await this.d.store.checklist.mark(incidentId, passed, 'dr-bot', this.d.clock.now());
    await this.afterChange(incidentId, 'dr-bot');
  }

  /** A person's checkbox click: the element's whole selection, as Slack sends it. */
  async toggle(incidentId: number, elementItems: string[], selected: string[], user: string): Promise<void> {
    const items = await this.d.store.checklist.list(incidentId);
    const changes = items
      .filter((i) => elementItems.includes(i.itemId))
      .filter((i) => Boolean(i.checkedAt) !== selected.includes(i.itemId))
      .map((i) => ({ itemId: i.itemId, checked: selected.includes(i.itemId) }));
    const inc = await this.d.store.incidents.get(incidentId);
    if (!inc || inc.status !== 'resolved') throw new UserError(`${incidentRef(incidentId)} is ${inc?.status ?? 'gone'}; its checklist can no longer change.`);
    if (changes.length) await this.d.store.checklist.mark(incidentId, changes, user, this.d.clock.now());
    await this.afterChange(incidentId, user);
  }

  /** `/incident close`: the Incident Commander closes a resolved incident, giving a reason when items remain. */
  async closeWithReason(inc: Incident, reason: string, user: string): Promise<void> {
    const verdict = decide(user, [INCIDENT_COMMANDER], { standing: standingRoles(user, this.d.policy.teams), incidentRoles: inc.roles }, (r) => roleName(r, this.d.policy.roles));
    if (!verdict.allowed) {
      await appendTimeline(this.d.store.db, { incidentId: inc.id, at: this.d.clock.now(), actor: user, kind: 'refused', data: { command: 'close', reason: verdict.reason } });
      throw new ForbiddenError(verdict.reason);
    }
    if (inc.status !== 'resolved') throw new UserError(`${incidentRef(inc.id)} is ${inc.status}; only a resolved incident can be closed.`);
    const open = (await this.d.store.checklist.list(inc.id)).filter((i) => !i.checkedAt);
    if (open.length && !reason) throw new UserError(`${open.length} checklist item${open.length === 1 ? '' : 's'} not ticked; give a reason to close anyway.`);
    if (!(await this.d.store.checklist.close(inc.id, { by: user, at: this.d.clock.now(), reason: reason || undefined }))) {
      throw new UserError(`${incidentRef(inc.id)} was closed meanwhile.`);
    }
    await this.closedNow(inc.id, user);
  }

  private async afterChange(incidentId: number, user: string): Promise<void> {
    if (await this.d.store.checklist.close(incidentId, { by: user, at: this.d.clock.now() })) return this.closedNow(incidentId, user);
    await this.redraw(incidentId);
  }

  private async closedNow(incidentId: number, user: string): Promise<void> {
    const inc = (await this.d.store.incidents.get(incidentId))!;
    await this.redraw(incidentId);
    await this.d.incidents.refreshCard(inc);
    const how = inc.closeReason ? `closed by <@${user}>: ${escapeMrkdwn(inc.closeReason)}` : 'checklist complete — closed';
    await this.d.incidents.threadLine(inc.id, 'closed', `:lock: ${incidentRef(inc.id)} ${how}.`);
  }

  private async redraw(incidentId: number): Promise<void> {
    const inc = await this.d.store.incidents.get(incidentId);
    if (!inc?.channelId || !inc.checklistTs) return;
    await this.d.slack.chat.update({ channel: inc.channelId, ts: inc.checklistTs, ...(await this.render(incidentId)) });
  }

  private async render(incidentId: number) {
    const inc = (await this.d.store.incidents.get(incidentId))!;
    const msg = checklistMessage(inc, await this.d.store.checklist.list(incidentId));
    return { text: msg.text, blocks: msg.blocks as never };
  }
}
