/** Follow-ups as people read them: the thread line when one is added, the card's list after resolve. */
import { userRef } from '../../core/mrkdwn.js';
import { fitUserText } from '../../core/slack-text.js';
import type { FollowUp } from '../../store/follow-ups.js';

const safeUrl = (u: string | null) => (u && /^https?:\/\/[^\s|<>]+$/.test(u) ? u : undefined);

export function followUpItem(f: Pick<FollowUp, 'id' | 'text' | 'owner' | 'due' | 'state' | 'issueUrl' | 'issueNumber'>): string {
  const box = f.state === 'done' ? ':ballot_box_with_check:' : ':white_medium_square:';
  const owner = f.owner ? ` — ${userRef(f.owner)}` : ' — _no owner_';
  const due = f.due ? ` · due ${f.due}` : '';
  const url = safeUrl(f.issueUrl);
  const issue = url ? ` · <${url}|#${f.issueNumber ?? 'issue'}>` : '';
  return `${box} *F${f.id}* ${fitUserText(f.text, 300)}${owner}${due}${issue}`;
}

export function followUpLine(f: FollowUp, by: string): string {
  return `:pushpin: ${userRef(by)} added a follow-up: ${followUpItem(f)}`;
}

/** The card's "Follow-ups" section: one line each, cut to the section's limit with a count of the rest. */
export function followUpsSection(items: FollowUp[], max = 2_900): string {
  const lines: string[] = [];
  let size = '*Follow-ups*'.length;
  for (const [i, f] of items.entries()) {
    const line = followUpItem(f);
    if (size + line.length + 1 > max - 40) {
      lines.push(`_…and ${items.length - i} more: \`/incident followups\`_`);
      break;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return `*Follow-ups* (${items.filter((f) => f.state === 'open').length} open)\n${lines.join('\n')}`;
}

