import { own } from './own.js';
/** The recovery team's roles ("Recovery Team Structure"); names and aliases come from the policy. */
export interface RolePolicy {
  name: string;
  aliases: string[];
  duties: string[];
}
export type RoleTable = Record<string, RolePolicy>;

export const INCIDENT_COMMANDER = 'incident_commander';
export const COMMUNICATIONS_COORDINATOR = 'communications_coordinator';

/** `ic`, `Incident Commander`, `incident-commander` → `incident_commander`; unknown → undefined. */
export function resolveRole(text: string, roles: RoleTable): string | undefined {
  const key = normalise(text);
  for (const [id, role] of Object.entries(roles)) {
    if (normalise(id) === key || normalise(role.name) === key || role.aliases.some((a) => normalise(a) === key)) return id;
  }
  return undefined;
}

const normalise = (s: string): string => s.trim().toLowerCase().replace(/[\s-]+/g, '_');

export const roleName = (id: string, roles: RoleTable): string => own(roles, id)?.name ?? id;
