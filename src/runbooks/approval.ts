/** Who may confirm or cancel a guarded action: pure decisions, so they are tested without Slack or SQL. */
import { decide } from '../core/authz.js';
import { INCIDENT_COMMANDER } from '../core/roles.js';

export type Verdict = { ok: true; as: string } | { ok: false; reason: string };

export interface ApprovalInput {
  clicker: string;
  requester: string;
  destructive: boolean;
  /** The incident level's two-person rule (L1 by default). */
  twoPersonRule: boolean;
  level: number;
  approveRoles: readonly string[];
  held: Set<string>;
  roleName: (id: string) => string;
}

/** The role first (a stranger is told about the role, not the rule), then the two-person rule. */
export function approvalVerdict(i: ApprovalInput): Verdict {
  const d = decide(i.clicker, i.approveRoles, i.held, i.roleName);
  if (!d.allowed) return { ok: false, reason: d.reason };
  if (i.destructive && i.twoPersonRule && i.clicker === i.requester) {
    const who = i.approveRoles.map(i.roleName).join(' or ');
    return {
      ok: false,
      reason: `L${i.level} incidents need a second person for a destructive action: you asked for this one, so another ${who} must confirm it.`,
    };
  }
  return { ok: true, as: d.as };
}

/** A plan can be withdrawn by whoever asked for it or by an incident commander. */
export function cancelVerdict(clicker: string, requester: string, held: Set<string>, roleName: (id: string) => string): Verdict {
  if (clicker === requester) return { ok: true, as: 'requester' };
  if (held.has(INCIDENT_COMMANDER)) return { ok: true, as: INCIDENT_COMMANDER };
  return { ok: false, reason: `Only <@${requester}>, who asked for it, or the ${roleName(INCIDENT_COMMANDER)} can cancel this plan.` };
}
