/**
 * Who is on call, as pure functions of the policy, the instant and the recorded overrides. A rotation
 * hands over weekly on a weekday at a wall-clock time in an IANA time zone, so a hand-over stays at
 * "Monday 09:00 in Sofia" across daylight-saving changes (the week is then 167 or 169 hours long).
 */

/** ISO weekdays: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const WEEKDAYS: Record<string, Weekday> = {
  monday: 1, mon: 1, tuesday: 2, tue: 2, wednesday: 3, wed: 3, thursday: 4, thu: 4, friday: 5, fri: 5, saturday: 6, sat: 6, sunday: 7, sun: 7,
};
export const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export interface Rotation {
  /** Slack user ids, in the order they take the pager. */
  order: string[];
  handoverDay: Weekday;
  /** Minutes after local midnight, e.g. 540 for 09:00. */
  handoverMinute: number;
  timeZone: string;
  /** A local date `YYYY-MM-DD`: the first hand-over on or after it gives the pager to `order[0]`. */
  startsOn: string;
}

export interface OnCallTeam {
  members: string[];
  rotation?: Rotation;
}

export interface Override {
  team: string;
  user: string;
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
}

export interface OnCall {
  /** Nobody when the team has no members. */
  primary?: string;
  /** The next person in the rotation, the first escalation tier; none when the team has one person. */
  secondary?: string;
  source: 'override' | 'rotation' | 'members';
  /** When the current primary stops being on call (end of override or next hand-over); none = no rotation. */
  until?: Date;
  /** The next regular hand-over, and who takes it. */
  nextHandover?: { at: Date; to: string };
}

const DAY_MS = 86_400_000;

/** Day number since 1970-01-01 of a civil date; exact integer arithmetic on calendar dates. */
export const dayNumber = (y: number, m: number, d: number): number => Math.floor(Date.UTC(y, m - 1, d) / DAY_MS);
/** ISO weekday of a day number (1970-01-01 was a Thursday). */
const weekdayOf = (day: number): Weekday => ((((day + 3) % 7) + 7) % 7 + 1) as Weekday;
const mod = (a: number, n: number): number => ((a % n) + n) % n;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone (checked when the policy loads). */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `at`: its day number and seconds since local midnight. */
export function localClock(at: Date, timeZone: string): { day: number; second: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { day: dayNumber(p.year!, p.month!, p.day!), second: p.hour! * 3600 + p.minute! * 60 + p.second! };
}

/** How far `timeZone` is ahead of UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const l = localClock(new Date(ms), timeZone);
  return l.day * DAY_MS + l.second * 1000 - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens in `timeZone`. In a spring-forward gap (02:30 that never
 * happens) it answers the instant just after the gap, which is when a person would take the pager.
 */
export function zonedInstant(day: number, minute: number, timeZone: string): Date {
  const wall = day * DAY_MS + minute * 60_000;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return new Date(Math.max(first, second));
}

/** The shift that holds the pager at `at`: who, and from when to when. */
export function shiftAt(r: Rotation, at: Date): { index: number; user: string; startedAt: Date; endsAt: Date } {
  const now = localClock(at, r.timeZone);
  let back = mod(weekdayOf(now.day) - r.handoverDay, 7);
  if (back === 0 && now.second < r.handoverMinute * 60) back = 7;
  const lastDay = now.day - back;
  const [y, m, d] = r.startsOn.split('-').map(Number) as [number, number, number];
  const start = dayNumber(y, m, d);
  const firstDay = start + mod(r.handoverDay - weekdayOf(start), 7);
  const index = mod(Math.round((lastDay - firstDay) / 7), r.order.length);
  let startedAt = zonedInstant(lastDay, r.handoverMinute, r.timeZone);
  // A gap hand-over resolved past `at` (only possible in the DST gap itself): the previous shift still runs.
  if (startedAt > at) return shiftAt(r, new Date(startedAt.getTime() - 7 * DAY_MS));
  const endsAt = zonedInstant(lastDay + 7, r.handoverMinute, r.timeZone);
  return { index, user: r.order[index]!, startedAt, endsAt };
}

/** The override in force at `at` for a team: the most recently recorded one wins. */
export function activeOverride(overrides: readonly Override[], team: string, at: Date): Override | undefined {
  return overrides
    .filter((o) => o.team === team && o.startsAt <= at && at < o.endsAt)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
}

/** Who is on call for `team` at `at`, who backs them up, and when that changes. */
export function onCallAt(teamId: string, team: OnCallTeam, at: Date, overrides: readonly Override[] = []): OnCall {
  const order = team.rotation?.order.length ? team.rotation.order : team.members;
  const o = activeOverride(overrides, teamId, at);
  if (!team.rotation || order.length === 0) {
    const primary = o?.user ?? order[0];
    const secondary = order.find((u) => u !== primary);
    return { primary, secondary, source: o ? 'override' : 'members', until: o?.endsAt };
  }
  const rot = { ...team.rotation, order };
  const shift = shiftAt(rot, at);
  const nextUser = order[(shift.index + 1) % order.length]!;
  const nextHandover = { at: shift.endsAt, to: nextUser };
  if (o) {
    // Whoever would hold the pager backs the override up; failing that, the next in the rotation.
    const secondary = shift.user !== o.user ? shift.user : nextUser !== o.user ? nextUser : undefined;
    return { primary: o.user, secondary, source: 'override', until: o.endsAt < shift.endsAt ? o.endsAt : shift.endsAt, nextHandover };
  }
  return { primary: shift.user, secondary: nextUser !== shift.user ? nextUser : undefined, source: 'rotation', until: shift.endsAt, nextHandover };
}

/** `09:00` → 540; anything else → undefined. */
export function parseClockTime(text: string): number | undefined {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export const formatClockTime = (minute: number): string => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
