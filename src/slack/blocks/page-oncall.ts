/** `/oncall`: who holds each team's pager now, who backs them up, and when it changes hands. */
import { formatClockTime, WEEKDAY_NAMES, type OnCall } from '../../core/oncall.js';
import { escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';
import type { PagingTeam } from '../../paging/schema.js';
import { context, section, type Block } from './kit.js';

export interface OnCallEntry {
  id: string;
  team: PagingTeam;
  now: OnCall;
}

function routes(t: PagingTeam): string {
  const via = [t.pagerduty && 'PagerDuty', t.opsgenie && `Opsgenie (${t.opsgenie.region.toUpperCase()})`, t.slack.dm && 'Slack DM'].filter(Boolean);
  return via.length ? via.join(', ') : 'mentions only';
}

export function onCallLine(e: OnCallEntry): string {
  const { team: t, now: oc } = e;
  const parts = [`*${escapeMrkdwn(t.name)}* (\`${escapeMrkdwn(e.id)}\`) — on call: ${oc.primary ? userRef(oc.primary) : '_nobody_'}`];
  if (oc.source === 'override' && oc.until) parts[0] += ` _(override until ${slackDate(oc.until)})_`;
  if (oc.secondary) parts.push(`secondary ${userRef(oc.secondary)}`);
  if (t.oncall && oc.nextHandover) {
    const rule = `${WEEKDAY_NAMES[t.oncall.handover.day]}s ${formatClockTime(t.oncall.handover.time)} ${escapeMrkdwn(t.oncall.timeZone)}`;
    parts.push(`next hand-over ${slackDate(oc.nextHandover.at)} → ${userRef(oc.nextHandover.to)} (${rule})`);
  } else {
    parts.push('no rotation: the first member');
  }
  parts.push(`pages via ${routes(t)}`);
  return parts.join(' · ');
}

export function onCallBlocks(entries: OnCallEntry[]): { text: string; blocks: Block[] } {
  const blocks: Block[] = [];
  let chunk = '';
  // A section holds 3,000 characters; a policy with many teams spills into several.
  for (const line of entries.map(onCallLine)) {
    if (chunk && chunk.length + line.length + 1 > 2_900) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  blocks.push(section(chunk || '_No teams in the policy._'));
  blocks.push(context('Swap for a while with `/oncall override &lt;team&gt; @person &lt;duration&gt;`; page with `/incident page &lt;team|@person&gt;`.'));
  const first = entries[0];
  const text = entries.length === 1 && first ? `${first.team.name}: on call ${first.now.primary ? userRef(first.now.primary) : 'nobody'}` : 'Who is on call';
  return { text, blocks };
}
