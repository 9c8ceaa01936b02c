import { describe, expect, it } from '@jest/globals';
import { localClock, onCallAt, shiftAt, zonedInstant, dayNumber, type Override, type Rotation } from '../../src/core/oncall.js';
import { parsePolicy } from '../../src/policy.js';
import { readFileSync } from 'node:fs';

const A = 'U0AAA0001';
const B = 'U0BBB0001';
const C = 'U0CCC0001';

// Monday 09:00 in Sofia (UTC+2 in winter, UTC+3 in summer); A takes the first week starting Mon 2026-01-05.
const sofia: Rotation = { order: [A, B, C], handoverDay: 1, handoverMinute: 9 * 60, timeZone: 'Europe/Sofia', startsOn: '2026-01-05' };
const at = (iso: string) => new Date(iso);

describe('weekly rotation', () => {
  it('hands over at the local time, not at UTC: Monday 09:00 Sofia is 07:00Z in winter', () => {
    expect(shiftAt(sofia, at('2026-01-12T06:59:59Z')).user).toBe(A);
    expect(shiftAt(sofia, at('2026-01-12T07:00:00Z')).user).toBe(B);
    const s = shiftAt(sofia, at('2026-01-12T07:00:00Z'));
    expect(s.startedAt.toISOString()).toBe('2026-01-12T07:00:00.000Z');
    expect(s.endsAt.toISOString()).toBe('2026-01-19T07:00:00.000Z');
  });

  it('…and 06:00Z in summer (daylight saving)', () => {
    // Week index from 2026-01-05: 2026-07-06 is 26 weeks later → 26 % 3 = 2 → C; the week before is B.
    expect(shiftAt(sofia, at('2026-07-06T05:59:59Z')).user).toBe(B);
    expect(shiftAt(sofia, at('2026-07-06T06:00:00Z')).user).toBe(C);
  });

  it('a shift across the spring-forward change is 167 hours long and still ends at 09:00 local', () => {
    // EU summer time starts Sunday 2026-03-29.
    const s = shiftAt(sofia, at('2026-03-25T12:00:00Z'));
    expect(s.startedAt.toISOString()).toBe('2026-03-23T07:00:00.000Z');
    expect(s.endsAt.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect((s.endsAt.getTime() - s.startedAt.getTime()) / 3_600_000).toBe(167);
  });

  it('rotates through the order and wraps; before the start date it counts backwards', () => {
    const users = [0, 1, 2, 3, 4].map((w) => shiftAt(sofia, new Date(Date.UTC(2026, 0, 5, 12) + w * 7 * 86_400_000)).user);
    expect(users).toEqual([A, B, C, A, B]);
    expect(shiftAt(sofia, at('2026-01-04T12:00:00Z')).user).toBe(C);
  });

  it('the same instant is a different day on the other side of the world', () => {
    // Hand-over Monday 09:00 in Los Angeles = Monday 17:00Z (PST); Tokyo Monday 09:00 = Monday 00:00Z.
    const la: Rotation = { ...sofia, timeZone: 'America/Los_Angeles' };
    const tokyo: Rotation = { ...sofia, timeZone: 'Asia/Tokyo' };
    const instant = at('2026-01-12T08:00:00Z'); // Monday 00:00 in LA, Monday 17:00 in Tokyo
    expect(shiftAt(la, instant).user).toBe(A);
    expect(shiftAt(tokyo, instant).user).toBe(B);
    expect(shiftAt(la, at('2026-01-12T17:00:00Z')).user).toBe(B);
    expect(shiftAt(tokyo, at('2026-01-11T23:59:59Z')).user).toBe(A);
  });

  it('a start date that is not the hand-over day starts at the first hand-over after it', () => {
    const r: Rotation = { ...sofia, startsOn: '2026-01-01' }; // a Thursday → first hand-over Mon 2026-01-05
    expect(shiftAt(r, at('2026-01-05T07:00:00Z')).user).toBe(A);
  });

  it('converts wall-clock times with the zone offset of that day', () => {
    expect(zonedInstant(dayNumber(2026, 1, 12), 540, 'Europe/Sofia').toISOString()).toBe('2026-01-12T07:00:00.000Z');
    expect(zonedInstant(dayNumber(2026, 7, 6), 540, 'Europe/Sofia').toISOString()).toBe('2026-07-06T06:00:00.000Z');
    expect(localClock(at('2026-01-12T07:00:00Z'), 'Europe/Sofia')).toEqual({ day: dayNumber(2026, 1, 12), second: 9 * 3600 });
  });
});

describe('who is on call', () => {
  const team = { members: [A, B, C], rotation: sofia };

  it('primary, secondary (the next in order), and the next hand-over', () => {
    const now = at('2026-01-13T10:00:00Z');
    expect(onCallAt('dba', team, now)).toEqual({
      primary: B,
      secondary: C,
      source: 'rotation',
      until: at('2026-01-19T07:00:00Z'),
      nextHandover: { at: at('2026-01-19T07:00:00Z'), to: C },
    });
  });

  it('an override wins while it lasts; the rotation person backs it up; the latest override wins', () => {
    const now = at('2026-01-13T10:00:00Z');
    const o1: Override = { team: 'dba', user: A, startsAt: at('2026-01-13T09:00:00Z'), endsAt: at('2026-01-13T21:00:00Z'), createdAt: at('2026-01-13T09:00:00Z') };
    const o2: Override = { ...o1, user: C, createdAt: at('2026-01-13T09:30:00Z') };
    expect(onCallAt('dba', team, now, [o1])).toMatchObject({ primary: A, secondary: B, source: 'override', until: o1.endsAt });
    expect(onCallAt('dba', team, now, [o1, o2]).primary).toBe(C);
    expect(onCallAt('infra', team, now, [o1]).primary).toBe(B); // another team's override
    expect(onCallAt('dba', team, at('2026-01-13T21:00:00Z'), [o1]).primary).toBe(B); // ended
  });

  it('a team without a rotation: the first member, the second as backup', () => {
    expect(onCallAt('x', { members: [A, B] }, at('2026-01-13T10:00:00Z'))).toEqual({ primary: A, secondary: B, source: 'members', until: undefined });
    expect(onCallAt('x', { members: [] }, at('2026-01-13T10:00:00Z')).primary).toBeUndefined();
    expect(onCallAt('x', { members: [A] }, at('2026-01-13T10:00:00Z')).secondary).toBeUndefined();
  });
});

describe('paging policy', () => {
  const base = readFileSync('dr-policy.yml', 'utf8');

  it('the shipped policy loads with rotations and routes', () => {
    const p = parsePolicy(base);
    expect(p.paging.attempts).toBeGreaterThan(0);
    expect(p.paging.pagerduty.eventsUrl).toBe('https://events.pagerduty.com');
  });

  it('names every bad paging field by path', () => {
    const bad = `
levels:
  1: { name: Critical, respondWithin: 0m, escalation: All teams }
  2: { name: High, respondWithin: 15m, escalation: Core }
  3: { name: Medium, respondWithin: 1h, escalation: On-call }
  4: { name: Low, respondWithin: 4h, escalation: Support }
roles: { incident_commander: { name: Incident Commander } }
services: [api]
paging: { management: bosses }
teams:
  dba:
    name: DBA team
    oncall: { handover: { day: someday, time: "25:00" }, timeZone: Mars/Olympus, startsOn: soon }
    pagerduty: { routingKeyEnv: "abc-123" }
    opsgenie: { apiKeyEnv: OG_KEY, region: asia }
`;
    let message = '';
    try {
      parsePolicy(bad);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('teams.dba.oncall.handover.day: expected a weekday like monday');
    expect(message).toContain('teams.dba.oncall.handover.time: expected a time like 09:00');
    expect(message).toContain('teams.dba.oncall.timeZone: expected an IANA time zone');
    expect(message).toContain('teams.dba.oncall.startsOn: expected a date');
    expect(message).toContain('teams.dba.pagerduty.routingKeyEnv: expected the NAME of an environment variable');
    expect(message).toContain('teams.dba.opsgenie.region');
    // Cross-field checks run once every field is well-formed.
    const good = bad.replace(/    oncall:[\s\S]*$/, '    members: [U0AAA0001]\n');
    expect(() => parsePolicy(good)).toThrow('paging.management: unknown team "bosses"');
  });
});
