/**
 * Alerts in: which policy rule an Alertmanager group falls under (labels → level + services), and what
 * the proposal is called. Pure functions of the group and the rules.
 */
import { TITLE_MAX } from './incident.js';
import type { LevelNumber } from './levels.js';

export interface AlertRuleLike {
  match: Record<string, string>;
  matchRe: Record<string, string>;
  level: LevelNumber;
  services: string[];
  title?: string;
  autoDeclare: boolean;
}

/** The first rule whose every `match` is equal and every `matchRe` matches (anchored, as in Alertmanager). */
export function matchRule<R extends AlertRuleLike>(rules: readonly R[], labels: Record<string, string>): { rule: R; index: number } | undefined {
  const index = rules.findIndex(
    (r) =>
      Object.entries(r.match).every(([k, v]) => labels[k] === v) &&
      Object.entries(r.matchRe).every(([k, re]) => new RegExp(`^(?:${re})$`).test(labels[k] ?? '')),
  );
  return index < 0 ? undefined : { rule: rules[index]!, index };
}

/** The labels a group is judged by: the ones all its alerts share (Alertmanager's commonLabels). */
export function groupTitle(rule: Pick<AlertRuleLike, 'title'>, g: { commonLabels: Record<string, string>; commonAnnotations: Record<string, string>; groupLabels: Record<string, string> }): string {
  const raw = rule.title ?? g.commonAnnotations.summary ?? g.commonLabels.alertname ?? g.groupLabels.alertname ?? 'Alertmanager alert';
  // A title is one line, without control characters or mentions, at most TITLE_MAX long (what a declare accepts).
  const clean = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/<[@!#][^>]*>/g, '').replace(/\s+/g, ' ').trim();
  if (clean.length <= TITLE_MAX) return clean || 'Alertmanager alert';
  let cut = '';
  for (const ch of clean) {
    if (cut.length + ch.length > TITLE_MAX - 1) break;
    cut += ch;
  }
  return `${cut}…`;
}
