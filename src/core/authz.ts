/**
 * Who may do what. Authority comes from STANDING roles: the roles the policy's teams give their members.
 * A role held inside an incident never widens that; it can only narrow a grant to "this incident's holder
 * of the role" (`incident:<role>`, which also needs the standing role). Fail closed: no grant, an empty
 * list or a word nobody knows allows nothing.
 */
export interface TeamRoles {
  members: string[];
  roles?: string[];
}

/** Any workspace member (declaring, reading help): anyone must be able to raise the alarm. */
export const EVERYONE = 'everyone';
/** Anyone who holds at least one standing role in the policy. */
export const ANY_ROLE = 'any-role';
/** The person who asked for the guarded action in hand (checked against its row). */
export const REQUESTER = 'requester';
/** The approver roles stored with the guarded action in hand when it was requested. */
export const ACTION_APPROVER = 'action-approver';
/** The person a page was for (checked against the page rows). */
export const PAGED_PERSON = 'paged-person';
/** A member of the team the command names (checked by the command). */
export const TEAM_MEMBER = 'team-member';
/** This incident's holder of `role`, who must also hold `role` as a standing role. */
export const inIncident = (role: string): string => `incident:${role}`;

/** Grants that need a database row (the incident, the action, the page) before they can say yes. */
const ROW_GRANTS = new Set([REQUESTER, ACTION_APPROVER, PAGED_PERSON, TEAM_MEMBER]);

/** A grant: a role id of the policy, `incident:<role>`, or one of the words above. */
export type Grant = string;

/** The roles `user` holds outside any incident: those of every team they are a member of. */
export function standingRoles(user: string, teams: Record<string, TeamRoles>): Set<string> {
  const held = new Set<string>();
  for (const team of Object.values(teams)) if (team.members.includes(user)) (team.roles ?? []).forEach((r) => held.add(r));
  return held;
}

export function isTeamMember(user: string, teams: Record<string, TeamRoles>): boolean {
  return Object.values(teams).some((t) => t.members.includes(user));
}

/** What the decision may look at. Rows are optional: without them, row grants say no. */
export interface Facts {
  standing: Set<string>;
  /** The incident in hand: role → holder. */
  incidentRoles?: Record<string, string>;
  /** The action in hand: who asked, and the approver roles stored with it. */
  action?: { requester: string; approveRoles: readonly string[] };
  /** The pages clicked: for whom each was. */
  pagedUsers?: readonly (string | null)[];
  /** A member of every team in this list (for TEAM_MEMBER). */
  teamMember?: boolean;
}

export type Decision = { allowed: true; as: string } | { allowed: false; reason: string };

/** The first grant that holds for `user`, in the order the definition lists them. */
export function grantHeld(user: string, grant: Grant, f: Facts): boolean {
  if (grant === EVERYONE) return true;
  if (grant === ANY_ROLE) return f.standing.size > 0;
  if (grant === REQUESTER) return f.action?.requester === user;
  if (grant === ACTION_APPROVER) return (f.action?.approveRoles ?? []).some((r) => f.standing.has(r));
  if (grant === PAGED_PERSON) return (f.pagedUsers?.length ?? 0) > 0 && f.pagedUsers!.every((u) => u === user);
  if (grant === TEAM_MEMBER) return f.teamMember === true;
  if (grant.startsWith('incident:')) {
    const role = grant.slice('incident:'.length);
    return f.incidentRoles?.[role] === user && f.standing.has(role);
  }
  return f.standing.has(grant);
}

/**
 * The router's check, before any row is read: could `user` pass at all? Standing grants are decided here;
 * row grants are let through to the handler, which decides them on the row (and fails closed there).
 * `incident:<role>` needs the standing role, so someone without it is refused at once.
 */
export function mayPossibly(user: string, grants: readonly Grant[] | undefined, standing: Set<string>, teamMember: boolean): boolean {
  if (!grants || grants.length === 0) return false;
  return grants.some((g) => {
    if (g === TEAM_MEMBER) return teamMember;
    if (ROW_GRANTS.has(g)) return true;
    if (g.startsWith('incident:')) return standing.has(g.slice('incident:'.length));
    return grantHeld(user, g, { standing });
  });
}

export function decide(user: string, grants: readonly Grant[] | undefined, f: Facts, roleName: (id: string) => string): Decision {
  const match = (grants ?? []).find((g) => grantHeld(user, g, f));
  if (match) return { allowed: true, as: match };
  const held = f.standing.size ? [...f.standing].map(roleName).join(', ') : 'no standing role';
  return { allowed: false, reason: `Only ${describeGrants(grants ?? [], roleName)} can do that; <@${user}> holds ${held} in the policy.` };
}

/** "the Incident Commander of this incident or a Database Administrator": for refusals and the README table. */
export function describeGrants(grants: readonly Grant[], roleName: (id: string) => string): string {
  if (grants.length === 0) return 'nobody (it declares no permission)';
  return grants.map((g) => describeGrant(g, roleName)).join(' or ');
}

export function describeGrant(g: Grant, roleName: (id: string) => string): string {
  if (g === EVERYONE) return 'everyone in the workspace';
  if (g === ANY_ROLE) return 'anyone with a standing role';
  if (g === REQUESTER) return 'the person who asked for it';
  if (g === ACTION_APPROVER) return "a holder of the action's approver roles (stored with the request)";
  if (g === PAGED_PERSON) return 'the person who was paged';
  if (g === TEAM_MEMBER) return "a member of the team it names";
  if (g.startsWith('incident:')) return `this incident's ${roleName(g.slice('incident:'.length))}`;
  const name = roleName(g);
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}
