import { fitUserText, SLACK_LIMITS } from '../../core/slack-text.js';
import { formatDuration } from '../../core/duration.js';
import { incidentRef, isOpen, statusLabel, type Incident } from '../../core/incident.js';
import { levelLabel } from '../../core/levels.js';
import { milestones, milestonesLine } from '../../core/objectives.js';
import { measuresLine, type RecoveryMeasure } from '../../core/recovery-measures.js';
import { blockquote, escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER, roleName } from '../../core/roles.js';
import type { Policy } from '../../policy.js';
import { acknowledgedLine, type CardAck } from './page-ack.js';
import { actions, button, context, fields, header, section, type Block } from './kit.js';

export const CARD_ACTIONS = {
  postUpdate: 'incident_post_update',
  assignRole: 'incident_assign_role',
  resolve: 'incident_resolve',
} as const;

export function responseTime(ms: number): string {
  return ms <= 0 ? 'Immediate' : `Within ${formatDuration(ms)}`;
}

export function serviceNames(ids: string[], policy: Policy): string {
  if (ids.length === 0) return '_not set_';
  return ids.map((id) => policy.services.find((s) => s.id === id)?.name ?? id).map(escapeMrkdwn).join(', ');
}

// What a cut card section says about the rest: the update and the resolution are whole in the thread.
const CUT_IN_THREAD = ' … _(cut to fit the card; the whole text is in the thread)_';
const CUT_DESCRIPTION = ' … _(cut to fit the card; the whole description is in `/incident timeline`)_';

/** A heading line and people's text under it, escaped and then fitted to a section's 3,000 characters. */
function fittedSection(heading: string, raw: string, marker: string, render: (s: string) => string = (s) => s): Block {
  const room = SLACK_LIMITS.sectionText - heading.length - 1;
  return section(`${heading}\n${fitUserText(raw, room, { render, marker })}`);
}

/** What other capabilities add to the card: who acknowledged the pages (paging). */
export interface CardExtras {
  acknowledged?: CardAck[];
  /** RPO/RTO measured by the recoveries (recovery_measures). */
  measures?: RecoveryMeasure[];
}

/** The one announcement card of an incident; `chat.update` redraws it from this after every change. */
export function incidentCard(inc: Incident, policy: Policy, now?: Date, extra: CardExtras = {}): { text: string; blocks: Block[] } {
  const level = policy.levels[inc.level];
  const ref = incidentRef(inc.id);
  const open = isOpen(inc.status);
  const title = `${inc.drill ? '[DRILL] ' : ''}${ref} · ${levelLabel(inc.level, level)} · ${inc.title}`;
  const blocks: Block[] = [header(`${level.emoji} ${title}`)];

  if (inc.drill) blocks.push(context(':test_tube: *DRILL* — an exercise, not a real outage. Nobody outside Slack is paged.'));

  const status = open
    ? statusLabel(inc.status)
    : `${statusLabel(inc.status)} after ${formatDuration((inc.resolvedAt ?? inc.declaredAt).getTime() - inc.declaredAt.getTime())}`;
  const commander = inc.roles[INCIDENT_COMMANDER];
  blocks.push(
    fields([
      `*Level*\n${level.emoji} ${levelLabel(inc.level, level)}${level.summary ? ` — ${escapeMrkdwn(level.summary)}` : ''}`,
      `*Status*\n${open ? '' : ':white_check_mark: '}${status}`,
      `*Response time*\n${responseTime(level.respondWithinMs)}`,
      `*Escalation*\n${escapeMrkdwn(level.escalation)}`,
      `*${roleName(INCIDENT_COMMANDER, policy.roles)}*\n${commander ? userRef(commander) : '_unassigned_'}`,
      `*Affected services*\n${serviceNames(inc.services, policy)}`,
    ]),
  );

  const others = Object.entries(inc.roles).filter(([r]) => r !== INCIDENT_COMMANDER);
  if (others.length > 0) {
    blocks.push(section(`*Roles*  ${others.map(([r, u]) => `${escapeMrkdwn(roleName(r, policy.roles))} ${userRef(u)}`).join(' · ')}`));
  }
  if (inc.description) blocks.push(fittedSection('*Description*', inc.description, CUT_DESCRIPTION));
  if (inc.lastUpdateText && inc.lastUpdateAt) {
    blocks.push(fittedSection(`*Last update* · ${slackDate(inc.lastUpdateAt)} by ${userRef(inc.lastUpdateBy ?? '')}`, inc.lastUpdateText, CUT_IN_THREAD, blockquote));
  }
  if (!open && inc.resolution) blocks.push(fittedSection('*Resolution*', inc.resolution, CUT_IN_THREAD, blockquote));

  const when = [`Declared by ${userRef(inc.declaredBy)} · ${slackDate(inc.declaredAt)}`];
  if (inc.resolvedAt && inc.resolvedBy) when.push(`Resolved by ${userRef(inc.resolvedBy)} · ${slackDate(inc.resolvedAt)}`);
  blocks.push(context(when.join('  ·  ')));
  // Against the recovery time objectives; with `now`, a milestone past its objective shows as missed.
  const times = milestones(inc, level, now ?? inc.resolvedAt ?? inc.declaredAt);
  if (times.some((m) => m.tookMs !== undefined || m.met === false)) blocks.push(context(`:stopwatch: ${milestonesLine(times)}`));
  const measured = extra.measures && measuresLine(extra.measures);
  if (measured) blocks.push(context(`:dart: Measured: ${measured}`));
  if (extra.acknowledged?.length) blocks.push(context(acknowledgedLine(extra.acknowledged)));

  if (open) {
    const id = String(inc.id);
    blocks.push(
      actions(`incident_card_${inc.id}`, [
        button('Post update', CARD_ACTIONS.postUpdate, id, 'primary'),
        button('Assign role', CARD_ACTIONS.assignRole, id),
        button('Resolve', CARD_ACTIONS.resolve, id, 'danger'),
      ]),
    );
  }
  // `text` is the notification and screen-reader fallback; it carries user text, so it is escaped too.
  return { text: `${level.emoji} ${escapeMrkdwn(title)} — ${status}`, blocks };
}

