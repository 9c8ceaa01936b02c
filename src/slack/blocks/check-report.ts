import { fitUserText } from '../../core/slack-text.js';
import { escapeMrkdwn, truncate } from '../../core/mrkdwn.js';
import type { HealthResult } from './health-card.js';
import { context, header, section, type Block } from './kit.js';

/**
 * A read-only verification (`/dr verify-integrity`, `/dr verify-backup`): one line per check, unhealthy
 * first, with what the policy counts as healthy in the detail. Same look as the health card on purpose.
 */
export function checkReport(title: string, results: HealthResult[], o: { totalMs: number; at: Date; note?: string }): { text: string; blocks: Block[] } {
  const bad = results.filter((r) => !r.ok);
  const verdict = bad.length === 0 ? `all ${results.length} healthy` : `${bad.length} of ${results.length} unhealthy`;
  const lines = [...bad, ...results.filter((r) => r.ok)].map((r) => {
    const what = r.ok ? r.detail : r.error;
    return `${r.ok ? ':white_check_mark:' : ':x:'} *${escapeMrkdwn(r.name)}* · ${r.ms} ms${what ? ` · ${fitUserText(what, 400)}` : ''}`;
  });
  const blocks: Block[] = [header(`${bad.length ? ':x:' : ':white_check_mark:'} ${title} · ${verdict}`)];
  for (let i = 0; i < lines.length; i += 8) blocks.push(section(lines.slice(i, i + 8).join('\n')));
  blocks.push(context(`${o.note ? `${escapeMrkdwn(o.note)} · ` : ''}${o.totalMs} ms · ${o.at.toISOString().replace('T', ' ').slice(0, 19)} UTC`));
  return { text: `${title}: ${verdict}\n${lines.join('\n')}`, blocks };
}
