import { fitUserText } from '../../core/slack-text.js';
import { formatDuration } from '../../core/duration.js';
import { incidentRef, type Incident } from '../../core/incident.js';
import { levelLabel } from '../../core/levels.js';
import { escapeMrkdwn, truncate, userRef } from '../../core/mrkdwn.js';
import type { Policy } from '../../policy.js';
import { CARD_ACTIONS } from './incident-card.js';
import { actions, button, context, section, type Block } from './kit.js';

export interface ReminderFacts {
  seq: number;
  silentMs: number;
  cadenceMs: number;
  /** Who is asked: the Incident Commander and Communications Coordinator, or the declarer. */
  people: string[];
  /** Set when two cadences passed without an update: the level's escalation group, as mentions. */
  escalateTo?: string;
  permalink?: string;
}

/** The 30-minute nudge ("Updates: every 30 minutes during incident"), with a button that opens the update form. */
export function reminderMessage(inc: Incident, policy: Policy, f: ReminderFacts): { text: string; blocks: Block[]; metadata: Record<string, unknown> } {
  const level = policy.levels[inc.level];
  const ref = incidentRef(inc.id);
  const silent = formatDuration(f.silentMs);
  const who = f.people.map(userRef).join(' ');
  const head = f.escalateTo
    ? `:rotating_light: *${ref} (${levelLabel(inc.level, level)}) has had no status update for ${silent}.* ${f.escalateTo} — escalation: ${escapeMrkdwn(level.escalation)}.`
    : `:alarm_clock: *${ref} needs a status update* — the last one was ${silent} ago.`;
  const body = `${who} please post an update (every ${formatDuration(f.cadenceMs)} for ${levelLabel(inc.level, level)}).`;
  const blocks: Block[] = [section(`${head}\n${body}`)];
  if (f.escalateTo) blocks.push(context(`${fitUserText(inc.title, 200)}${f.permalink ? ` · <${f.permalink}|open the incident>` : ''}`));
  blocks.push(actions(`reminder_${inc.id}_${f.seq}`, [button('Post update', CARD_ACTIONS.postUpdate, String(inc.id), 'primary')]));
  return {
    text: f.escalateTo ? `${ref}: no status update for ${silent} — ${f.escalateTo}` : `${ref} needs a status update (${who})`,
    blocks,
    metadata: { event_type: 'dr_reminder', event_payload: { incident: inc.id, seq: f.seq, escalated: Boolean(f.escalateTo) } },
  };
}
