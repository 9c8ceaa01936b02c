/**
 * The point in time of `/dr restore-db pitr`: ISO 8601 (`2024-01-15T10:00:00Z`; without a zone it is UTC,
 * as RDS reads it) or relative like the procedures' `date -d '1 hour ago'` (`1 hour ago`, `90 minutes ago`, `2h ago`).
 */
export type RestoreTime = { kind: 'absolute'; at: Date } | { kind: 'relative'; ms: number };

const UNITS: Record<string, number> = { m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000, d: 86_400_000, day: 86_400_000 };

export function parseRestoreTime(text: string): RestoreTime | undefined {
  const t = text.trim().toLowerCase();
  const rel = /^(\d+|an?|one)\s*(m|mins?|minutes?|h|hours?|d|days?)\s+ago$/.exec(t);
  if (rel) {
    const n = /^\d+$/.test(rel[1]!) ? Number(rel[1]) : 1;
    const unit = UNITS[rel[2]!.replace(/s$/, '')] ?? UNITS[rel[2]!];
    return unit && n > 0 ? { kind: 'relative', ms: n * unit } : undefined;
  }
  const iso = /^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!iso) return undefined;
  const ms = Date.parse(iso[3] ? t.replace(' ', 'T').toUpperCase() : `${t.replace(' ', 'T').toUpperCase()}Z`);
  return Number.isNaN(ms) ? undefined : { kind: 'absolute', at: new Date(ms) };
}

export const resolveRestoreTime = (t: RestoreTime, now: Date): Date => (t.kind === 'absolute' ? t.at : new Date(now.getTime() - t.ms));
