import { incidentRef, type Incident } from '../../core/incident.js';
import { escapeMrkdwn, slackDate, truncate, userRef } from '../../core/mrkdwn.js';
import type { ChecklistItem } from '../../store/checklist.js';
import { fitUserText, SLACK_LIMITS } from '../../core/slack-text.js';
import { context, mrkdwnOption, section, type Block } from './kit.js';

export const CHECKLIST_ACTION = /^checklist_toggle_\d+$/;
const PER_ELEMENT = 10; // Slack: at most 10 options in one checkboxes element

const describe = (it: ChecklistItem): string | undefined =>
  it.checkedAt ? truncate(it.evidence ?? (it.checkedBy === 'dr-bot' ? 'checked by the bot' : 'ticked'), 75) : it.evidence ? truncate(it.evidence, 75) : undefined;

/** The "System Verification Checklist" in the incident's thread: checkboxes while resolved, a record once closed. */
export function checklistMessage(inc: Incident, items: ChecklistItem[]): { text: string; blocks: Block[] } {
  const ref = incidentRef(inc.id);
  const done = items.filter((i) => i.checkedAt).length;
  if (inc.status === 'closed') {
    const lines = items.map((i) => `${i.checkedAt ? ':white_check_mark:' : ':white_large_square:'} ${escapeMrkdwn(i.text)}${i.checkedBy ? ` — ${i.checkedBy === 'dr-bot' ? escapeMrkdwn(i.evidence ?? 'probe') : userRef(i.checkedBy)}` : ''}`);
    const why = inc.closeReason ? ` with the reason: ${escapeMrkdwn(inc.closeReason)}` : ' — checklist complete';
    return {
      text: `${ref} post-recovery checklist: closed`,
      blocks: [
        section(`*Post-recovery checklist for ${ref}* (${done} of ${items.length})\n${lines.join('\n')}`),
        context(`Closed by ${userRef(inc.closedBy ?? '')} · ${inc.closedAt ? slackDate(inc.closedAt) : ''}${why}`),
      ],
    };
  }
  const blocks: Block[] = [
    section(`*Post-recovery checklist for ${ref}* — tick each item once verified. ${ref} closes when all are ticked, or when the Incident Commander closes it with \`/incident close ${ref} &lt;reason&gt;\`.`),
  ];
  for (let start = 0, n = 0; start < items.length; start += PER_ELEMENT, n++) {
    const chunk = items.slice(start, start + PER_ELEMENT);
    const options = chunk.map((it) => {
      const d = describe(it);
      return mrkdwnOption(fitUserText(it.text, SLACK_LIMITS.optionText), it.itemId, d);
    });
    const selected = options.filter((_, i) => chunk[i]!.checkedAt);
    blocks.push({
      type: 'actions',
      block_id: `checklist_${inc.id}_${n}`,
      elements: [{ type: 'checkboxes', action_id: `checklist_toggle_${n}`, options, ...(selected.length && { initial_options: selected }) }],
    });
  }
  blocks.push(context(`${done} of ${items.length} ticked`));
  return { text: `${ref} post-recovery checklist: ${done} of ${items.length} ticked`, blocks };
}
