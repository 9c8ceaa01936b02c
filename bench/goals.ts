/**
 * The goals the figures are compared with (from the issues that set them), printed after the figures and
 * written to results.json. Never asserted: a goal not met is reported, and the README says why.
 */
import type { Figures } from './report.js';

type Goal = { op: '<' | '<=' | '>=' | '='; value: number };

export const GOALS: Readonly<Record<string, Goal>> = {
  // #20: cost per operation, measured as ratios in the same run.
  declare_cpu_ratio: { op: '<=', value: 3 },
  declare_ack_p99_ratio: { op: '<=', value: 1.25 },
  declare_to_card_p99_ms: { op: '<', value: 150 },
  reminder_lateness_p99_ms: { op: '<', value: 2000 },
  reminders_rss_mb: { op: '<', value: 200 },
  reminders_capacity_ratio: { op: '>=', value: 3 },
  reminder_claim_ms: { op: '<', value: 20 },
  reminder_duplicates: { op: '=', value: 0 },
  reminders_missing: { op: '=', value: 0 },
  storm_lost: { op: '=', value: 0 },
  storm_duplicates: { op: '=', value: 0 },
  // #13: the outbox.
  outbox_lost: { op: '=', value: 0 },
  outbox_duplicates: { op: '=', value: 0 },
  declare_burst200_ack_p99_ms: { op: '<', value: 1000 },
  // Guarded actions and integrations.
  failover_overhead_ms: { op: '<', value: 1000 },
  confirm_to_first_step_p99_ms: { op: '<', value: 1000 },
  lb_failover_overhead_ms: { op: '<', value: 1000 },
  dns_failover_overhead_ms: { op: '<', value: 1000 },
  cdn_purge_overhead_ms: { op: '<', value: 1000 },
  webhook_ack_to_card_p99_ms: { op: '<', value: 500 },
  recovery_peak_rss_mb: { op: '<', value: 200 },
  // #15 and #16: the local workspace and the production form.
  local_first_start_ms: { op: '<=', value: 10_000 },
  local_restart_ms: { op: '<=', value: 3_000 },
  local_rest_rss_mb: { op: '<', value: 250 },
  local_peak_rss_mb: { op: '<', value: 350 },
  rest_rss_mb: { op: '<', value: 120 },
  cold_start_ms: { op: '<', value: 1500 },
};

const met = (v: number, g: Goal): boolean =>
  g.op === '<' ? v < g.value : g.op === '<=' ? v <= g.value : g.op === '>=' ? v >= g.value : v === g.value;

const OP_SIGN = { '<': '<', '<=': '≤', '>=': '≥', '=': '=' } as const;

/** Each figure of `figures` that has a goal: the goal in words and whether the value meets it. */
export function checkGoals(figures: Figures): Record<string, { goal: string; value: number; met: boolean }> {
  const out: Record<string, { goal: string; value: number; met: boolean }> = {};
  for (const [name, value] of Object.entries(figures)) {
    const g = GOALS[name];
    if (g) out[name] = { goal: `${OP_SIGN[g.op]} ${g.value}`, value, met: Number.isFinite(value) && met(value, g) };
  }
  return out;
}
