/** Who may confirm or cancel a guarded action: pure decisions, so they are tested without Slack or SQL. */
import { decide } from '../core/authz.js';
import { isOpen, type IncidentStatus } from '../core/incident.js';
import { INCIDENT_COMMANDER } from '../core/roles.js';
import type { PlanRecord } from '../store/actions.js';

export type Verdict = { ok: true; as: string } | { ok: false; reason: string };

/** The rules an approval is judged by, as stored with the request and as they are at the click. */
export interface ApprovalRules {
  level: number;
  twoPersonRule: boolean;
  approveRoles: readonly string[];
}

export interface ApprovalInput {
  clicker: string;
  requester: string;
  destructive: boolean;
  /** Stored with the request (undefined for rows from before the rules were stored: then only `now` counts). */
  then?: ApprovalRules;
  now: ApprovalRules;
  /** The incident's status now: only an open incident's actions may run. */
  incidentStatus: IncidentStatus;
  /** The clicker's STANDING roles (the policy's teams); roles inside the incident never widen them. */
  standing: Set<string>;
  roleName: (id: string) => string;
}

/** The stricter of two rule sets: a two-person rule if either has one, only roles both allow. */
export function stricter(then: ApprovalRules | undefined, now: ApprovalRules): ApprovalRules {
  if (!then) return now;
  return {
    level: Math.min(then.level, now.level),
    twoPersonRule: then.twoPersonRule || now.twoPersonRule,
    approveRoles: then.approveRoles.filter((r) => now.approveRoles.includes(r)),
  };
}

/** The incident first, then the role (a stranger is told about the role, not the rule), then the two-person rule. */
export function approvalVerdict(i: ApprovalInput): Verdict {
  if (!isOpen(i.incidentStatus)) {
    return { ok: false, reason: `The incident is ${i.incidentStatus} now, so its recovery actions can no longer run. Nothing was done.` };
  }
  const rules = stricter(i.then, i.now);
  const d = decide(i.clicker, rules.approveRoles, { standing: i.standing }, i.roleName);
  if (!d.allowed) return { ok: false, reason: d.reason };
  if (i.destructive && rules.twoPersonRule && i.clicker === i.requester) {
    const who = rules.approveRoles.map(i.roleName).join(' or ');
    const since = i.then && i.then.twoPersonRule && !i.now.twoPersonRule ? ` It was requested at L${i.then.level}; lowering the level since does not lift the rule.` : '';
    return {
      ok: false,
      reason: `L${rules.level} incidents need a second person for a destructive action: you asked for this one, so another ${who} must confirm it.${since}`,
    };
  }
  return { ok: true, as: d.as };
}

/** A plan can be withdrawn by whoever asked for it or by a (standing) incident commander. */
export function cancelVerdict(clicker: string, requester: string, standing: Set<string>, roleName: (id: string) => string): Verdict {
  if (clicker === requester) return { ok: true, as: 'requester' };
  if (standing.has(INCIDENT_COMMANDER)) return { ok: true, as: INCIDENT_COMMANDER };
  return { ok: false, reason: `Only <@${requester}>, who asked for it, or an ${roleName(INCIDENT_COMMANDER)} can cancel this plan.` };
}

/** The facts a plan showed that its approval is bound to: target state, lag band, image, replicas, snapshot… */
export type Fingerprint = Record<string, string | number | boolean | null>;

/** What changed between the plan that was shown and the world now, in words ("lag: within → over 16.0 MiB"). */
export function fingerprintChanges(then: Fingerprint, now: Fingerprint): string[] {
  const keys = [...new Set([...Object.keys(then), ...Object.keys(now)])].sort();
  return keys.filter((k) => (then[k] ?? null) !== (now[k] ?? null)).map((k) => `${k}: ${String(then[k] ?? 'none')} → ${String(now[k] ?? 'none')}`);
}

/** The plan's own fingerprint, or (a runbook that names none) its target and data as shown. */
export function fingerprintOf(plan: Pick<PlanRecord, 'target' | 'data' | 'fingerprint'>): Fingerprint {
  return plan.fingerprint ?? { target: plan.target, data: canonicalJson(plan.data) };
}

/** JSON with keys sorted at every depth: the same facts read back from jsonb (which reorders keys) compare equal. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
