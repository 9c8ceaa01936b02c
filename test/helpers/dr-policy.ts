import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parsePolicy, type Policy } from '../../src/policy.js';

/**
 * The shipped policy with the test's own `targets` and `actions` settings (ports of local peers, short
 * expiries), validated by the real schema.
 */
export function drPolicy(o: { targets?: Record<string, unknown>; actions?: Record<string, unknown>; levels?: Record<string, Record<string, unknown>>; teams?: Record<string, unknown> } = {}): Policy {
  const doc = parse(readFileSync('dr-policy.yml', 'utf8')) as Record<string, any>;
  doc.targets = o.targets ?? {};
  doc.actions = { ...doc.actions, ...o.actions };
  for (const [n, l] of Object.entries(o.levels ?? {})) doc.levels[n] = { ...doc.levels[n], ...l };
  doc.teams = { ...doc.teams, ...o.teams };
  return parsePolicy(stringify(doc), 'test policy');
}

/** The same, written to a temporary file for a bot started as a separate process (DR_POLICY). */
export function writeDrPolicy(o: Parameters<typeof drPolicy>[0] = {}): string {
  drPolicy(o); // fail here, readably, rather than in the child's start-up
  const doc = parse(readFileSync('dr-policy.yml', 'utf8')) as Record<string, any>;
  doc.targets = o.targets ?? {};
  doc.actions = { ...doc.actions, ...o.actions };
  for (const [n, l] of Object.entries(o.levels ?? {})) doc.levels[n] = { ...doc.levels[n], ...l };
  const file = join(mkdtempSync(join(tmpdir(), 'drbot-policy-')), 'dr-policy.yml');
  writeFileSync(file, stringify(doc));
  return file;
}
