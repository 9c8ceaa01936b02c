import type { LevelPolicy } from './levels.js';

/** The cadence in force: the incident's own (`/incident remind`), else its level's. 0 = off. */
export function reminderCadence(level: LevelPolicy, override: number | null): number {
  return override ?? level.updateEveryMs;
}

/** When the next reminder is due counting from the last update (or the declaration); undefined when off. */
export function reminderDueAfter(lastActivity: Date, cadenceMs: number): Date | undefined {
  return cadenceMs > 0 ? new Date(lastActivity.getTime() + cadenceMs) : undefined;
}

export type ReminderPlan =
  | { post: false; next?: Date }
  | { post: true; missed: number; escalate: boolean; next: Date };

/**
 * What a due reminder should do. It keeps the rhythm of the last update: reminders fall at
 * lastActivity + k·cadence. After downtime, many cadences may have passed: one catch-up reminder,
 * then the next slot after now — never a burst. Two cadences without an update escalate.
 */
export function planReminder(o: { now: Date; lastActivity: Date; cadenceMs: number }): ReminderPlan {
  if (o.cadenceMs <= 0) return { post: false };
  const since = o.now.getTime() - o.lastActivity.getTime();
  if (since < o.cadenceMs) return { post: false, next: new Date(o.lastActivity.getTime() + o.cadenceMs) };
  const missed = Math.floor(since / o.cadenceMs);
  // The next slot of the rhythm; when this one went out late and that slot is close, the one after, so two
  // reminders are never less than half a cadence apart.
  let next = o.lastActivity.getTime() + (missed + 1) * o.cadenceMs;
  if (next - o.now.getTime() < o.cadenceMs / 2) next += o.cadenceMs;
  return { post: true, missed, escalate: missed >= 2, next: new Date(next) };
}
