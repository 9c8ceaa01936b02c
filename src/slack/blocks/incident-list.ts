import { formatDuration } from '../../core/duration.js';
import { incidentRef, statusLabel, type Incident } from '../../core/incident.js';
import { levelLabel } from '../../core/levels.js';
import { escapeMrkdwn, userRef } from '../../core/mrkdwn.js';
import { fitLines } from '../../core/slack-text.js';
import type { Policy } from '../../policy.js';

/**
 * `/incident list`: one line per open incident (given most severe first), in one message within Slack's
 * recommended 4,000 characters; what does not fit is counted, with where to see it.
 */
export function incidentListText(open: Incident[], policy: Policy, now: Date): string {
  const lines = open.map((i) => {
    const l = policy.levels[i.level];
    const ic = i.roles.incident_commander;
    return `${l.emoji} *${incidentRef(i.id)}* ${levelLabel(i.level, l)}${i.drill ? ' [DRILL]' : ''} · ${escapeMrkdwn(i.title)} · ${statusLabel(i.status)} · open ${formatDuration(now.getTime() - i.declaredAt.getTime())}${ic ? ` · IC ${userRef(ic)}` : ''}`;
  });
  const head = `*${open.length} open incident${open.length === 1 ? '' : 's'}*`;
  return fitLines(head, lines, (n) => `…and ${n} more, less severe: the App Home tab lists them, \`/incident status INC-n\` shows one.`);
}
