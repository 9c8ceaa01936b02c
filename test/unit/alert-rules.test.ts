import { describe, expect, it } from '@jest/globals';
import { groupTitle, matchRule } from '../../src/core/alert-rules.js';
import { parsePolicy } from '../../src/policy.js';
import { readFileSync } from 'node:fs';

const rule = (o: Partial<Parameters<typeof matchRule>[0][number]>) => ({ match: {}, matchRe: {}, level: 3 as const, services: [], autoDeclare: false, ...o });

describe('alert rules', () => {
  it('first rule whose every exact and regex matcher holds; regexes are anchored like Alertmanager’s =~', () => {
    const rules = [rule({ match: { alertname: 'A', team: 'x' }, level: 1 }), rule({ matchRe: { severity: 'warn.*' }, level: 4 }), rule({ match: { alertname: 'A' }, level: 2 })];
    expect(matchRule(rules, { alertname: 'A', team: 'x' })?.index).toBe(0);
    expect(matchRule(rules, { alertname: 'A', team: 'y' })?.index).toBe(2);
    expect(matchRule(rules, { alertname: 'B', severity: 'warning' })?.index).toBe(1);
    expect(matchRule(rules, { alertname: 'B', severity: 'prewarning' })).toBeUndefined();
  });

  it('a title: the rule’s, else the summary, else the alertname — one line, no mentions, at most 150 characters', () => {
    const g = { commonLabels: { alertname: 'HighLatency' }, commonAnnotations: {}, groupLabels: {} };
    expect(groupTitle({}, g)).toBe('HighLatency');
    expect(groupTitle({ title: 'Mine' }, g)).toBe('Mine');
    expect(groupTitle({}, { ...g, commonAnnotations: { summary: 'p99 <!channel> over\n2s' } })).toBe('p99 over 2s');
    const long = groupTitle({}, { ...g, commonAnnotations: { summary: '😀'.repeat(200) } });
    expect(long.length).toBeLessThanOrEqual(150);
    expect(long.endsWith('😀…')).toBe(true);
  });

  it('the policy refuses a rule naming an unknown service or a broken regex, by path', () => {
    const base = readFileSync('dr-policy.yml', 'utf8').replace(/\nwebhooks:[\s\S]*$/, '\n');
    const bad = `${base}webhooks:\n  alertmanager:\n    tokenEnv: AM\n    rules:\n      - { match: { alertname: X }, level: 2, services: [nope] }\n      - { matchRe: { severity: "(" }, level: 4 }\n`;
    expect(() => parsePolicy(bad)).toThrow(/webhooks\.alertmanager\.rules\.0\.services: unknown service "nope"/);
    expect(() => parsePolicy(bad)).toThrow(/webhooks\.alertmanager\.rules\.1\.matchRe\.severity: expected a regular expression/);
  });
});
