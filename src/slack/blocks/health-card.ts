import { fitUserText } from '../../core/slack-text.js';
import { escapeMrkdwn, truncate } from '../../core/mrkdwn.js';
import { context, header, section, sections, type Block } from './kit.js';

export interface HealthResult {
  /** What the procedures call it: "Platform database", "Redis", "API Gateway"… */
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
  error?: string;
}

/** `/dr health`: one line per check, failures first so the eye lands on them. */
export function healthCard(results: HealthResult[], o: { totalMs: number; at: Date }): { text: string; blocks: Block[] } {
  const bad = results.filter((r) => !r.ok);
  const sorted = [...bad, ...results.filter((r) => r.ok)];
  const title = results.length === 0 ? 'No health checks configured' : bad.length === 0 ? `All ${results.length} checks healthy` : `${bad.length} of ${results.length} checks failing`;
  const blocks: Block[] = [header(`${bad.length ? ':x:' : ':white_check_mark:'} Health · ${title}`)];
  const lines = sorted.map((r) => {
    const what = r.ok ? r.detail : r.error;
    return `${r.ok ? ':white_check_mark:' : ':x:'} *${escapeMrkdwn(r.name)}* · ${r.ms} ms${what ? ` · ${fitUserText(what, 300)}` : ''}`;
  });
  // A section holds 3,000 characters: long lists go over several.
  blocks.push(...sections(lines));
  if (results.length === 0) blocks.push(section('Add `targets` to the policy file (database, redis, kubernetes, rds, health URLs).'));
  blocks.push(context(`All checks ran at once in ${o.totalMs} ms · ${o.at.toISOString().replace('T', ' ').slice(0, 19)} UTC`));
  return { text: `Health: ${title}`, blocks };
}
