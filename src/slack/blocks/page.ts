import { fitUserText } from '../../core/slack-text.js';
/** What paging says in Slack: the DM with its Acknowledge button, and the lines in the incident's thread. */
import { formatDuration } from '../../core/duration.js';
import { incidentRef, type Incident } from '../../core/incident.js';
import { levelLabel } from '../../core/levels.js';
import { blockquote, escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';
import type { Policy } from '../../policy.js';
import { serviceNames } from './incident-card.js';
import { actions, button, context, section, type Block } from './kit.js';
import { ackerRef } from './page-ack.js';

export const PAGE_ACK_ACTION = 'page_acknowledge';

/** One page as a person reads it: for whom, and why them. */
export interface PageLine {
  id: number;
  forWhom: string;
  tier: number;
  message?: string | null;
  pagedBy?: string;
  manual?: boolean;
}

const DRILL = ':test_tube: *DRILL* — an exercise, not a real outage. ';
/** A team's name is people's text (escaped); a person is already a mention. */
export const whom = (forWhom: string): string => (/^<@[UW][A-Z0-9]+>$/.test(forWhom) ? forWhom : escapeMrkdwn(forWhom));
const theTeam = (forWhom: string): string => (/ team$/i.test(forWhom) ? `the ${whom(forWhom)}` : whom(forWhom));
const why = (p: PageLine): string =>
  p.tier === 1 ? `as secondary for *${whom(p.forWhom)}* (on call did not acknowledge)` : p.tier >= 2 ? `as management: *${whom(p.forWhom)}* did not acknowledge` : /^<@/.test(p.forWhom) ? 'directly' : `as on-call for *${whom(p.forWhom)}*`;

function head(inc: Incident, policy: Policy): string {
  const level = policy.levels[inc.level];
  return `*${inc.drill ? '[DRILL] ' : ''}${incidentRef(inc.id)} · ${levelLabel(inc.level, level)}* — ${fitUserText(inc.title, 150)}`;
}

function body(inc: Incident, policy: Policy, pages: PageLine[], link?: string): Block[] {
  const level = policy.levels[inc.level];
  const blocks: Block[] = [section(`:pager: You are paged ${pages.map(why).join(', ')}\n${head(inc, policy)}`)];
  for (const p of pages.filter((x) => x.message)) blocks.push(section(`${p.pagedBy ? `${userRef(p.pagedBy)} says:` : 'Message:'}\n${fitUserText(p.message!, 2_000, { render: blockquote })}`));
  const facts = [`Services: ${serviceNames(inc.services, policy)}`, `Escalation: ${escapeMrkdwn(level.escalation)}`];
  if (link) facts.push(`<${link}|Open the incident>`);
  blocks.push(context(facts.join('  ·  ')));
  return inc.drill ? [context(`${DRILL}Nobody outside Slack is paged.`), ...blocks] : blocks;
}

export function pageDm(inc: Incident, policy: Policy, pages: PageLine[], link?: string): { text: string; blocks: Block[] } {
  const ids = pages.map((p) => p.id).join(',');
  const blocks = [...body(inc, policy, pages, link), actions(`page_ack_${pages[0]?.id ?? 0}`, [button('Acknowledge', PAGE_ACK_ACTION, ids, 'primary')])];
  return { text: `${inc.drill ? '[DRILL] ' : ''}You are paged: ${incidentRef(inc.id)} ${levelLabel(inc.level, policy.levels[inc.level])} — ${fitUserText(inc.title, 150)}`, blocks };
}

/** The DM once nothing is left to do: acknowledged (by whom, when) or the incident resolved. */
export function pageDmClosed(inc: Incident, policy: Policy, pages: PageLine[], done: { ackedBy: string; ackedAt: Date; via?: string; name?: string } | { resolved: true }, link?: string): { text: string; blocks: Block[] } {
  const line = 'resolved' in done ? `:white_check_mark: ${incidentRef(inc.id)} is resolved; no acknowledgement needed.` : `:white_check_mark: Acknowledged by ${ackerRef({ user: done.ackedBy, via: done.via, name: done.name })} · ${slackDate(done.ackedAt)}`;
  return { text: `${incidentRef(inc.id)}: ${'resolved' in done ? 'resolved' : 'acknowledged'}`, blocks: [...body(inc, policy, pages, link), context(line)] };
}

export interface PagedItem {
  forWhom: string;
  user?: string;
  /** "PagerDuty", "Opsgenie", "Slack". */
  via: string[];
}

/** The thread line when a round of pages goes out (declare, a raised level, a manual page). */
export function pagingLine(inc: Incident, policy: Policy, o: { items: PagedItem[]; already?: string[]; ackTimeoutMs: number; by?: string; message?: string | null }): string {
  const level = policy.levels[inc.level];
  const who = o.items.map((i) => `*${whom(i.forWhom)}* ${i.user ? userRef(i.user) : '_nobody on call_'}${i.via.length ? ` (${i.via.join(', ')})` : ''}`);
  const intro = o.by ? `:pager: ${userRef(o.by)} paged ` : `:pager: *Paging* for ${levelLabel(inc.level, level)} (${escapeMrkdwn(level.escalation)}): `;
  const lines = [`${inc.drill ? `${DRILL}Slack only. ` : ''}${intro}${who.join(' · ') || '_nobody_'}`];
  if (o.message) lines.push(fitUserText(o.message, 1_000, { render: blockquote }));
  if (o.already?.length) lines.push(`Already paged: ${o.already.map(whom).join(', ')}.`);
  if (o.items.some((i) => i.user)) lines.push(`_Not acknowledged within ${formatDuration(o.ackTimeoutMs)} → the secondary, then management._`);
  return lines.join('\n');
}

/** L3/L4: no page, a mention of the level's escalation group in the thread. */
export function mentionLine(inc: Pick<Incident, 'level' | 'drill'>, policy: Policy, mentions: string): string {
  const level = policy.levels[inc.level];
  return `${inc.drill ? DRILL : ''}:mega: ${levelLabel(inc.level, level)} — escalation: ${escapeMrkdwn(level.escalation)}: ${mentions || '_nobody listed in the policy_'}. No page for this level.`;
}

export function escalationLine(inc: Incident, o: { forWhom: string; was: string[]; afterMs: number; tier: number; to: PagedItem }): string {
  const to = `${o.tier === 1 ? 'the secondary' : 'management'} ${o.to.user ? userRef(o.to.user) : '_nobody on call_'}${o.to.via.length ? ` (${o.to.via.join(', ')})` : ''}`;
  const was = o.was.length ? ` (${o.was.map(userRef).join(', ')})` : '';
  return `${inc.drill ? DRILL : ''}:arrow_double_up: No acknowledgement from *${whom(o.forWhom)}*${was} within ${formatDuration(o.afterMs)} — paging ${to}.`;
}

export function ackLine(user: string, groups: Array<{ forWhom: string; ackMs: number }>, onBehalfOf?: string[]): string {
  const behalf = onBehalfOf?.length ? ` (as Incident Commander, on behalf of ${onBehalfOf.map(userRef).join(', ')})` : '';
  return `:white_check_mark: ${userRef(user)}${behalf} acknowledged the page for ${groups.map((g) => `*${whom(g.forWhom)}* after ${g.ackMs < 1000 ? 'under a second' : formatDuration(g.ackMs)}`).join(', ')}.`;
}

/** "PagerDuty page to the DBA team failed: 400 … — reached by Slack only". Never silent. */
export function failureLine(o: { provider: string; action: 'trigger' | 'acknowledge' | 'resolve'; forWhom: string; error: string; reachedBy: string[] }): string {
  const what = o.action === 'trigger' ? 'page to' : `${o.action} for`;
  const tail =
    o.action === 'trigger'
      ? o.reachedBy.length
        ? `reached by ${o.reachedBy.join(', ')}${o.reachedBy.length === 1 ? ' only' : ''}`
        : '*not reached at all* — call them'
      : `${o.action} it in ${o.provider} by hand`;
  return `:warning: ${o.provider} ${what} ${theTeam(o.forWhom)} failed: ${fitUserText(o.error, 300)} — ${tail}`;
}
