import { fitLines, fitUserText } from '../../core/slack-text.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { HealthResult } from './health-card.js';
import { context, header, sections, type Block } from './kit.js';

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
  blocks.push(...sections(lines));
  blocks.push(context(`${o.note ? `${escapeMrkdwn(o.note)} · ` : ''}${o.totalMs} ms · ${o.at.toISOString().replace('T', ' ').slice(0, 19)} UTC`));
  return { text: fitLines(`${escapeMrkdwn(title)}: ${verdict}`, lines, (n) => `…and ${n} more checks in the card.`), blocks };
}
