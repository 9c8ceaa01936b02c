import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { commands } from '../../commands/index.js';
import { loadPolicy } from '../../src/policy.js';
import { INTERACTIONS } from '../../src/slack/interaction-list.js';
import { permissionsTable, tableInReadme } from '../../src/slack/permissions-table.js';

describe('README "Who may do what"', () => {
  it('every command, button and form declares who may use it', () => {
    expect(commands.filter((c) => !c.allowedRoles?.length).map((c) => c.path.join(' '))).toEqual([]);
    expect(INTERACTIONS.filter((i) => !i.allowedRoles?.length).map((i) => i.name)).toEqual([]);
  });

  it('the table in README.md is the one built from the definitions (regenerate it from this test when it fails)', () => {
    const expected = permissionsTable(commands, INTERACTIONS, loadPolicy('dr-policy.yml').roles);
    const readme = readFileSync('README.md', 'utf8');
    expect(tableInReadme(readme)).toBe(expected);
  });
});
