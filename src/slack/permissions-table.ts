/**
 * The README's "Who may do what" table, built from the definitions themselves (each command's and each
 * interaction's `allowedRoles`), with the role names of a policy. A test compares it with the README.
 */
import { describeGrants } from '../core/authz.js';
import { roleName, type RoleTable } from '../core/roles.js';
import type { InteractionDef } from './authorize.js';
import type { CommandDef } from './command.js';

export const TABLE_START = '<!-- permissions:start (generated from allowedRoles; test/unit/permissions-table.test.ts) -->';
export const TABLE_END = '<!-- permissions:end -->';

const KIND = { button: 'button', checkboxes: 'checkboxes', form: 'form' } as const;

export function permissionsTable(commands: readonly CommandDef<any>[], interactions: readonly InteractionDef[], roles: RoleTable): string {
  const who = (grants: readonly string[]) => describeGrants(grants, (r) => roleName(r, roles));
  const rows = [
    ...commands.map((c) => `| \`/${c.path[0]} ${c.path[1]}\` | command | ${who(c.allowedRoles ?? [])} |`),
    ...interactions.map((i) => `| ${i.name} | ${KIND[i.kind]} | ${who(i.allowedRoles ?? [])} |`),
  ];
  return [TABLE_START, '| what | kind | who may use it |', '|---|---|---|', ...rows, TABLE_END].join('\n');
}

/** The table as it stands in a README, markers included; undefined when the markers are missing. */
export function tableInReadme(readme: string): string | undefined {
  const a = readme.indexOf(TABLE_START);
  const b = readme.indexOf(TABLE_END);
  return a < 0 || b < a ? undefined : readme.slice(a, b + TABLE_END.length);
}
