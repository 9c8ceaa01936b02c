import { fitUserText } from '../../core/slack-text.js';
import { formatDuration } from '../../core/duration.js';
import { incidentRef, statusLabel, type Incident } from '../../core/incident.js';
import { levelLabel } from '../../core/levels.js';
import { escapeMrkdwn, truncate, userRef } from '../../core/mrkdwn.js';
import type { Policy } from '../../policy.js';
import { responseTime } from './incident-card.js';
import { context, divider, header, section, type Block } from './kit.js';

/** The App Home tab: what is open right now, and the levels at a glance — the first thing an on-call opens. */
export function homeView(open: Incident[], policy: Policy, now: Date, permalinks: Map<number, string>): Record<string, unknown> {
  const blocks: Block[] = [header(open.length ? `${open.length} open incident${open.length === 1 ? '' : 's'}` : 'No open incidents')];
  for (const inc of open.slice(0, 20)) {
    const l = policy.levels[inc.level];
    const ic = inc.roles.incident_commander;
    const link = permalinks.get(inc.id);
    const title = `${l.emoji} *${incidentRef(inc.id)}* · ${levelLabel(inc.level, l)}${inc.drill ? ' · DRILL' : ''} · ${fitUserText(inc.title, 150)}`;
    blocks.push(
      section(`${link ? `<${link}|${title.replace(/[<>|]/g, '')}>` : title}\n${statusLabel(inc.status)} · open ${formatDuration(now.getTime() - inc.declaredAt.getTime())}${ic ? ` · IC ${userRef(ic)}` : ''}`),
    );
  }
  if (open.length > 20) blocks.push(context(`…and ${open.length - 20} more: \`/incident list\``));
  blocks.push(divider(), section('*Levels* (from the DR procedures)'));
  blocks.push(
    context(
      ...([1, 2, 3, 4] as const).map((n) => `${policy.levels[n].emoji} *L${n} ${escapeMrkdwn(policy.levels[n].name)}* — ${responseTime(policy.levels[n].respondWithinMs).toLowerCase()}; ${escapeMrkdwn(policy.levels[n].escalation)}`),
    ),
  );
  blocks.push(context('Declare with `/incident declare L1 &lt;title&gt;` · every command: `/incident help`'));
  return { type: 'home', blocks };
}
