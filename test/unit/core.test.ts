import { describe, expect, it } from '@jest/globals';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { checkServices, checkText, checkTitle, parseUserMention } from '../../src/core/incident-input.js';
import { parseIncidentRef, parseStatus } from '../../src/core/incident.js';
import { parseLevel } from '../../src/core/levels.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { resolveRole } from '../../src/core/roles.js';
import { planReminder } from '../../src/core/reminders.js';
import { tokenize } from '../../src/core/tokenize.js';
import { loadPolicy } from '../../src/policy.js';

const policy = loadPolicy('dr-policy.yml');

describe('durations', () => {
  it.each([
    ['0m', 0], ['90s', 90_000], ['15m', 900_000], ['1h', 3_600_000], ['4h', 14_400_000], ['1h30m', 5_400_000], ['2d', 172_800_000], ['250ms', 250],
  ])('%s = %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', 'soon', '15', 'm15', '1.5h', '-5m', '15 m x'])('rejects %p', (text) => expect(parseDuration(text)).toBeUndefined());
  it('formats for people', () => {
    expect(formatDuration(0)).toBe('immediately');
    expect(formatDuration(900_000)).toBe('15 min');
    expect(formatDuration(5_400_000)).toBe('1 h 30 min');
    expect(formatDuration(90_000_000)).toBe('1 d 1 h');
    expect(formatDuration(42_000)).toBe('42 s');
  });
});

describe('levels, statuses, incident refs', () => {
  it.each([['L1', 1], ['1', 1], ['critical', 1], ['SEV2', 2], ['high', 2], ['l3', 3], ['Medium', 3], ['low', 4], ['4', 4]])('%s is L%i', (t, n) => expect(parseLevel(t)).toBe(n));
  it.each(['L5', '0', 'urgent', '', 'L1x'])('%p is no level', (t) => expect(parseLevel(t)).toBeUndefined());
  it('parses incident refs', () => {
    expect(parseIncidentRef('INC-12')).toBe(12);
    expect(parseIncidentRef('inc12')).toBe(12);
    expect(parseIncidentRef('#7')).toBe(7);
    expect(parseIncidentRef('INC-')).toBeUndefined();
    expect(parseIncidentRef('INC-1x')).toBeUndefined();
  });
  it('parses open statuses only', () => {
    expect(parseStatus('Identified')).toBe('identified');
    expect(parseStatus('resolved')).toBeUndefined();
  });
});

describe('tokenize', () => {
  it('keeps quoted words together, straight and curly quotes', () => {
    expect(tokenize('assign "Technical Lead" <@U1|bob>').positionals).toEqual(['assign', 'Technical Lead', '<@U1|bob>']);
    expect(tokenize('declare L1 \u201cPayments down\u201d').positionals).toEqual(['declare', 'L1', 'Payments down']);
  });
  it('reads flags with values, with =, and boolean flags', () => {
    const t = tokenize('L1 Payments down --services a,b --drill Extra --status=identified', ['drill']);
    expect(t.positionals).toEqual(['L1', 'Payments', 'down', 'Extra']);
    expect(t.flags).toEqual({ services: 'a,b', drill: true, status: 'identified' });
  });
  it('a quoted -- is a word, not a flag', () => {
    expect(tokenize('update "--status is fine"').positionals).toEqual(['update', '--status is fine']);
  });
  it('an unclosed quote is kept as typed, not refused (more in input-people-type.test.ts)', () => {
    expect(tokenize('declare L1 "Payments').positionals).toEqual(['declare', 'L1', '"Payments']);
  });
});

describe('people text', () => {
  it('escapes what Slack would parse', () => {
    expect(escapeMrkdwn('<!channel> & <@U123> > 5')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; &gt; 5');
  });
  it('checks titles', () => {
    expect(checkTitle('  Payments   down ')).toBe('Payments down');
    expect(() => checkTitle('')).toThrow(/empty/);
    expect(() => checkTitle('x'.repeat(5000))).toThrow(/5000 characters/);
    expect(() => checkTitle('Payments <!channel>')).toThrow(/mentions/);
    expect(() => checkTitle('ask <@U123|bob>')).toThrow(/mentions/);
    expect(checkTitle('p99 > 5s & rising')).toBe('p99 > 5s & rising');
  });
  it('checks texts and services', () => {
    expect(() => checkText('   ')).toThrow(/empty/);
    expect(() => checkText('x'.repeat(3000))).toThrow(/limit is 2900/);
    expect(checkServices(['api-gateway', 'api-gateway'], policy.services)).toEqual(['api-gateway']);
    expect(() => checkServices(['mainframe'], policy.services)).toThrow(/Unknown service "mainframe"/);
  });
  it('reads user mentions', () => {
    expect(parseUserMention('<@U0DBA0001|dmitri>')).toBe('U0DBA0001');
    expect(parseUserMention('<@U0DBA0001>')).toBe('U0DBA0001');
    expect(parseUserMention('@dmitri')).toBeUndefined();
    expect(parseUserMention('<!channel>')).toBeUndefined();
  });
  it('resolves roles by id, name and alias', () => {
    expect(resolveRole('ic', policy.roles)).toBe('incident_commander');
    expect(resolveRole('Technical Lead', policy.roles)).toBe('technical_lead');
    expect(resolveRole('tech-lead', policy.roles)).toBe('technical_lead');
    expect(resolveRole('dba', policy.roles)).toBe('dba');
    expect(resolveRole('janitor', policy.roles)).toBeUndefined();
  });
});

describe('reminder plans', () => {
  const t0 = new Date('2026-11-25T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  it('not yet due: wait for the slot', () => {
    expect(planReminder({ now: at(10_000), lastActivity: t0, cadenceMs: 60_000 })).toEqual({ post: false, next: at(60_000) });
  });
  it('due: post, and keep the rhythm of the last update', () => {
    expect(planReminder({ now: at(60_100), lastActivity: t0, cadenceMs: 60_000 })).toEqual({ post: true, missed: 1, escalate: false, next: at(120_000) });
  });
  it('two cadences without an update escalate', () => {
    expect(planReminder({ now: at(120_050), lastActivity: t0, cadenceMs: 60_000 })).toMatchObject({ post: true, missed: 2, escalate: true });
  });
  it('after downtime: one catch-up, and the next at least half a cadence later — never a burst', () => {
    const late = planReminder({ now: at(10 * 60_000 + 50_000), lastActivity: t0, cadenceMs: 60_000 });
    expect(late).toEqual({ post: true, missed: 10, escalate: true, next: at(12 * 60_000) });
  });
  it('off means off', () => {
    expect(planReminder({ now: at(1e9), lastActivity: t0, cadenceMs: 0 })).toEqual({ post: false });
  });
});
