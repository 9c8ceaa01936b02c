import { formatDuration } from './duration.js';
import type { LevelPolicy } from './levels.js';

export interface Milestone {
  name: 'acknowledge' | 'mitigate' | 'resolve';
  label: string;
  tookMs?: number;
  objectiveMs?: number;
  /** undefined while it has not happened and is not yet late. */
  met?: boolean;
}

/**
 * Time to acknowledge, to mitigate (first "monitoring") and to resolve, each against the level's
 * objective. A milestone not reached is "late" as soon as its objective has passed.
 */
export function milestones(
  inc: { declaredAt: Date; acknowledgedAt: Date | null; mitigatedAt: Date | null; resolvedAt: Date | null },
  level: LevelPolicy,
  now: Date,
): Milestone[] {
  const at = { acknowledge: inc.acknowledgedAt, mitigate: inc.mitigatedAt, resolve: inc.resolvedAt };
  const objective = { acknowledge: level.objectives.acknowledgeMs, mitigate: level.objectives.mitigateMs, resolve: level.objectives.resolveMs };
  const labels = { acknowledge: 'Acknowledged', mitigate: 'Mitigated', resolve: 'Resolved' };
  return (['acknowledge', 'mitigate', 'resolve'] as const).map((name) => {
    const when = at[name];
    const tookMs = when ? when.getTime() - inc.declaredAt.getTime() : undefined;
    const objectiveMs = objective[name];
    const elapsed = now.getTime() - inc.declaredAt.getTime();
    const met = objectiveMs === undefined ? undefined : tookMs !== undefined ? tookMs <= objectiveMs : elapsed > objectiveMs ? false : undefined;
    return { name, label: labels[name], tookMs, objectiveMs, met };
  });
}

/** "Acknowledged in 3 min ✅ (≤ 5 min) · Mitigated: not yet (≤ 1 h) · Resolved in 4 h 10 min ❌ (≤ 4 h)". */
export function milestonesLine(list: Milestone[]): string {
  return list
    .map((m) => {
      const target = m.objectiveMs !== undefined ? ` (≤ ${formatDuration(m.objectiveMs)})` : '';
      const mark = m.met === true ? ' :white_check_mark:' : m.met === false ? ' :x:' : '';
      return m.tookMs !== undefined ? `${m.label} in ${formatDuration(m.tookMs)}${mark}${target}` : `${m.label}: not yet${mark}${target}`;
    })
    .join('  ·  ');
}
