/**
 * RPO and RTO as measured, against the level's objectives: what a step observed (a lag at promotion, a
 * restore point), what the probes job observed (declaration → probes passing), and their words.
 */
import { formatDuration } from './duration.js';

/** What a step of a recovery observed; the runner stores it when the run ends (`state.measures`). */
export type StepMeasure =
  | { kind: 'rpo'; source: 'replication_lag'; valueMs: number; lagBytes: number | null }
  | { kind: 'rpo'; source: 'restore_point'; restorePoint: string };

export interface RecoveryMeasure {
  actionId: number;
  kind: 'rpo' | 'rto';
  source: 'replication_lag' | 'restore_point' | 'probes_passing';
  valueMs: number;
  lagBytes: number | null;
  restorePoint: Date | null;
  objectiveMs: number | null;
  measuredAt: Date;
}

const SOURCE: Record<RecoveryMeasure['source'], string> = {
  replication_lag: 'replication lag at the promotion',
  restore_point: 'restore point before the incident start',
  probes_passing: 'declaration → health probes passing',
};

/** 400 → "400 ms", 2100 → "2.1 s", longer ones as formatDuration words. */
export const measureDuration = (v: number): string => (v < 1_000 ? `${v} ms` : v < 60_000 ? `${(v / 1000).toFixed(1)} s` : formatDuration(v));

/** "RPO 2.1 s (replication lag at the promotion, 40 KB) :white_check_mark: ≤ 5 min". */
export function measureText(m: RecoveryMeasure): string {
  const extra = m.lagBytes !== null && m.lagBytes !== undefined ? `, ${m.lagBytes} bytes` : m.restorePoint ? `, to ${m.restorePoint.toISOString()}` : '';
  const met = m.objectiveMs === null ? '' : m.valueMs <= m.objectiveMs ? ` :white_check_mark: ≤ ${measureDuration(m.objectiveMs)}` : ` :x: objective ${measureDuration(m.objectiveMs)}`;
  return `${m.kind.toUpperCase()} ${measureDuration(Math.max(0, m.valueMs))} (${SOURCE[m.source]}${extra})${met}`;
}

/** The card's line: the newest measure of each kind. */
export function measuresLine(list: RecoveryMeasure[]): string | undefined {
  const newest = (k: 'rpo' | 'rto') => list.filter((m) => m.kind === k).sort((a, b) => b.measuredAt.getTime() - a.measuredAt.getTime())[0];
  const shown = [newest('rpo'), newest('rto')].filter((m): m is RecoveryMeasure => Boolean(m));
  return shown.length ? shown.map(measureText).join(' · ') : undefined;
}
