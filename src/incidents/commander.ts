/**
 * Declaring is open to everyone, but it grants no power: the Incident Commander of a new incident must hold
 * the standing role. When the person named (the declarer, or whom the form names) does not, the incident
 * gets the on-call commander of the first team that holds the role — an on-call person who does not hold it
 * (an override) is passed over — or else that team's first member who does; anyone eligible can still
 * take command afterwards with `/incident assign ic @me`.
 */
import { standingRoles } from '../core/authz.js';
import { INCIDENT_COMMANDER } from '../core/roles.js';
import type { OnCallDirectory } from '../paging/oncall.js';
import type { Policy } from '../policy.js';

export interface CommanderChoice {
  commander: string;
  /** Set when the person named could not command: who it was. */
  instead?: string;
}

export const mayCommand = (policy: Policy, user: string): boolean => standingRoles(user, policy.teams).has(INCIDENT_COMMANDER);

export async function chooseCommander(policy: Policy, oncall: OnCallDirectory, wanted: string): Promise<CommanderChoice> {
  if (mayCommand(policy, wanted)) return { commander: wanted };
  const teams = Object.entries(policy.teams).filter(([, t]) => (t.roles ?? []).includes(INCIDENT_COMMANDER));
  if (teams.length === 0) return { commander: wanted }; // nobody holds the role: the label grants nothing anyway
  const now = await oncall.all(undefined, teams.map(([id]) => id));
  for (const [id] of teams) {
    const primary = now[id]?.primary;
    if (primary && mayCommand(policy, primary)) return { commander: primary, instead: wanted };
  }
  const first = teams.flatMap(([, t]) => t.members).find((m) => mayCommand(policy, m));
  return first ? { commander: first, instead: wanted } : { commander: wanted };
}
