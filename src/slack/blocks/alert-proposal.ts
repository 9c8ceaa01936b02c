/** The proposal an Alertmanager group becomes: "Declare L2: api-gateway 5xx > 5%?" with Declare / Dismiss. */
import { incidentRef } from '../../core/incident.js';
import { levelLabel } from '../../core/levels.js';
import { escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';
import type { Policy } from '../../policy.js';
import type { AlertProposal } from '../../store/alert-proposals.js';
import { actions, button, context, section, type Block } from './kit.js';
import { serviceNames } from './incident-card.js';

export const ALERT_ACTIONS = { declare: 'alert_declare', dismiss: 'alert_dismiss' } as const;
export const PROPOSAL_EVENT = 'dr_alert_proposal';

const safeLink = (url: string | null) => (url && /^https?:\/\/[^\s|<>]+$/.test(url) ? ` · <${url}|Alertmanager>` : '');

export function proposalMessage(p: AlertProposal, policy: Policy): { text: string; blocks: Block[] } {
  const level = levelLabel(p.level, policy.levels[p.level]);
  const alerts = Object.values(p.alerts);
  const firing = alerts.filter((a) => a.status === 'firing');
  const names = [...new Set(firing.map((a) => a.name))].slice(0, 5).map(escapeMrkdwn).join(', ');
  const facts = [
    `Alertmanager: *${firing.length}* firing${alerts.length > firing.length ? `, ${alerts.length - firing.length} resolved` : ''}${names ? ` (${names})` : ''}`,
    p.services.length ? `services: ${serviceNames(p.services, policy)}` : 'no service mapped',
  ].join(' · ');
  const title = escapeMrkdwn(p.title);
  const blocks: Block[] = [];
  if (p.status === 'proposed') {
    blocks.push(section(`:rotating_light: *Declare ${level}: ${title}?*\n${facts}${safeLink(p.link)}`));
    blocks.push(actions(`alert_proposal_${p.id}`, [button(`Declare ${`L${p.level}`}`, ALERT_ACTIONS.declare, String(p.id), 'primary'), button('Dismiss', ALERT_ACTIONS.dismiss, String(p.id))]));
  } else {
    blocks.push(section(`:rotating_light: *${level}: ${title}*\n${facts}${safeLink(p.link)}`));
    const when = p.decidedAt ? ` · ${slackDate(p.decidedAt)}` : '';
    const by = p.decidedBy && p.decidedBy !== 'alertmanager' ? userRef(p.decidedBy) : 'the policy (auto-declare)';
    const outcome =
      p.status === 'declared'
        ? `:white_check_mark: Declared${p.incidentId ? ` as *${incidentRef(p.incidentId)}*` : ''} by ${by}${when}`
        : p.status === 'dismissed'
          ? `:no_entry_sign: Dismissed by ${by}${when}`
          : ':ballot_box_with_check: All its alerts resolved before anyone declared it.';
    blocks.push(context(outcome));
  }
  return { text: p.status === 'proposed' ? `Declare ${level}: ${p.title}?` : `${level}: ${p.title} (${p.status})`, blocks };
}

/** A line in the incident's thread for alerts of its group that resolved. */
export function alertsResolvedLine(resolved: Array<{ name: string; summary?: string }>, all: boolean): string {
  const list = resolved.slice(0, 10).map((a) => `• ${escapeMrkdwn(a.name)}${a.summary ? `: ${escapeMrkdwn(a.summary)}` : ''}`);
  const more = resolved.length > 10 ? `\n…and ${resolved.length - 10} more` : '';
  const head = all ? ':large_green_circle: Alertmanager: *all alerts of this incident’s group resolved*' : `:large_green_circle: Alertmanager: ${resolved.length} alert${resolved.length === 1 ? '' : 's'} resolved`;
  return `${head}${list.length ? `\n${list.join('\n')}` : ''}${more}. The incident stays open until it is resolved here.`;
}
