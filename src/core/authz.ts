/**
 * Who may do what. A person's roles are the ones they hold in the incident plus the ones their teams hold
 * in the policy. Fail closed: a role nobody knows grants nothing.
 */
export interface TeamRoles {
  members: string[];
  roles: string[];
}

export function rolesOf(user: string, incidentRoles: Record<string, string>, teams: Record<string, TeamRoles>): Set<string> {
  const held = new Set<string>();
  for (const [role, holder] of Object.entries(incidentRoles)) if (holder === user) held.add(role);
  for (const team of Object.values(teams)) if (team.members.includes(user)) team.roles.forEach((r) => held.add(r));
  return held;
}

export type Decision = { allowed: true; as: string } | { allowed: false; reason: string };

export function decide(user: string, allowed: readonly string[], held: Set<string>, roleName: (id: string) => string): Decision {
  const match = allowed.find((r) => held.has(r));
  if (match) return { allowed: true, as: match };
  const names = allowed.map(roleName).join(' or ');
  return { allowed: false, reason: `Only the ${names} can do that, and <@${user}> holds ${held.size ? [...held].map(roleName).join(', ') : 'no role'} here.` };
}
