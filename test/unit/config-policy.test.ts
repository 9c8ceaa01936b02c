import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadPolicy, parsePolicy, PolicyError } from '../../src/policy.js';

describe('config', () => {
  it('no Slack variables means the local workspace', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('sandbox');
    expect(c.PORT).toBe(3000);
    expect(c.INCIDENT_CHANNEL).toBe('incident-response');
    expect(c.DR_POLICY).toBe('./dr-policy.yml');
  });
  it('token + signing secret is HTTP; an app token is Socket Mode', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).mode).toBe('http');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).mode).toBe('socket');
  });
  it('lists every bad variable at once', () => {
    let err: unknown;
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'nope', PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', SLACK_API_URL: 'http://x/api' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const v of ['SLACK_BOT_TOKEN', 'PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SLACK_API_URL', 'SLACK_SIGNING_SECRET']) expect(problems).toContain(v);
  });
});

describe('policy', () => {
  it('the shipped policy has the seed: 4 levels, 6 roles, 6 services in priority order', () => {
    const p = loadPolicy('dr-policy.yml');
    expect(p.levels[1]).toMatchObject({ name: 'Critical', respondWithinMs: 0, escalation: 'All teams', page: true, updateEveryMs: 1_800_000, twoPersonRule: true });
    expect(p.levels[2]).toMatchObject({ name: 'High', respondWithinMs: 900_000, escalation: 'Core team + Management' });
    expect(p.levels[3]).toMatchObject({ name: 'Medium', respondWithinMs: 3_600_000, escalation: 'On-call team', page: false });
    expect(p.levels[4]).toMatchObject({ name: 'Low', respondWithinMs: 14_400_000, escalation: 'Standard support' });
    expect(Object.keys(p.roles)).toEqual(['incident_commander', 'technical_lead', 'dba', 'infrastructure_engineer', 'security_officer', 'communications_coordinator']);
    expect(p.services.map((s) => s.id)).toEqual(['payment-processing', 'api-gateway', 'consumer-web', 'partner-dashboard', 'admin-panel', 'analytics']);
  });
  it('rejects a bad file with every problem by path', () => {
    const bad = `
levels:
  1: { name: Critical, respondWithin: soon, escalation: All teams, notify: [nobody] }
  2: { name: High, respondWithin: 15m, escalation: Core, updateEvery: often }
  3: { name: Medium, respondWithin: 1h, escalation: On-call }
roles:
  incident_commander: { name: Incident Commander }
services: []
colour: blue
`;
    let err: unknown;
    try {
      parsePolicy(bad, 'bad.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyError);
    const problems = (err as PolicyError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'levels.1.respondWithin: expected a duration like 30m',
        'levels.2.updateEvery: expected a duration like 30m',
        'levels.4: missing',
        'services: list at least one service',
        '(top level): Unrecognized key: "colour"',
      ]),
    );
    expect((err as Error).message).toContain('bad.yml is not a valid DR policy');
  });
  it('names unknown teams in notify once the rest is valid', () => {
    const text = `
levels:
  1: { name: Critical, respondWithin: 0m, escalation: All, notify: [ghosts] }
  2: { name: High, respondWithin: 15m, escalation: Core }
  3: { name: Medium, respondWithin: 1h, escalation: On-call }
  4: { name: Low, respondWithin: 4h, escalation: Support }
roles: { incident_commander: { name: IC } }
services: [api]
`;
    expect(() => parsePolicy(text)).toThrow(/levels\.1\.notify: unknown team "ghosts"/);
  });
  it('reports YAML syntax errors with their line', () => {
    expect(() => parsePolicy('levels: [\n  1: x', 'broken.yml')).toThrow(/line 2|line 1/);
  });
  it('a missing file is a clear error', () => {
    expect(() => loadPolicy('/nonexistent/dr-policy.yml')).toThrow(/cannot read the file/);
  });
});
