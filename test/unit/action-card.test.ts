import { describe, expect, it } from '@jest/globals';
import { actionCard, type CardAction } from '../../src/slack/blocks/action-card.js';
import { healthCard } from '../../src/slack/blocks/health-card.js';

const at = new Date('2026-03-01T10:00:00Z');
const base: CardAction = {
  id: 7,
  kind: 'failover-db',
  target: 'database',
  status: 'proposed',
  destructive: true,
  plan: {
    title: 'Fail over the database',
    target: 'database',
    summary: 'Promote production-replica-1 to primary with pg_promote() <!channel>',
    facts: [['Replica', 'production-replica-1 answers and is in recovery'], ['Lag', '0 B received but not replayed']],
    warnings: ['production-primary is still up as a primary'],
    data: {},
  },
  steps: [
    { id: 'promote', title: 'Promote production-replica-1 (pg_promote)', status: 'pending' },
    { id: 'verify', title: 'Verify production-replica-1 is the new primary', status: 'pending' },
  ],
  requestedBy: 'U0IC00001',
  expiresAt: at,
  approvedBy: null,
  startedAt: null,
  finishedAt: null,
  endedBy: null,
  error: null,
};
const ctx = { incidentRef: 'INC-3', needsSecondPerson: true, approvers: ['Incident Commander', 'Database Administrator'] };

describe('the action card', () => {
  it('proposed: plan, checks, warnings, steps, the two-person rule and Confirm/Cancel (user text escaped)', () => {
    const card = actionCard(base, ctx);
    expect(JSON.stringify(card)).not.toContain('<!channel>');
    expect(card).toMatchSnapshot();
  });

  it('running, done and failed: ⏳ → ✅/❌ with durations, no buttons', () => {
    const running = actionCard({ ...base, status: 'running', approvedBy: 'U0DBA0001', steps: [{ ...base.steps[0]!, status: 'running', detail: 'modifying, 20 s so far' }, base.steps[1]!] }, ctx);
    expect(running.blocks.some((b) => b.type === 'actions')).toBe(false);
    const done = actionCard(
      { ...base, status: 'succeeded', approvedBy: 'U0DBA0001', startedAt: at, finishedAt: new Date(at.getTime() + 1530), steps: base.steps.map((s) => ({ ...s, status: 'ok' as const, ms: 412, detail: 'ok' })) },
      ctx,
    );
    const failed = actionCard(
      { ...base, status: 'failed', startedAt: at, finishedAt: new Date(at.getTime() + 300), steps: [{ ...base.steps[0]!, status: 'failed', ms: 300, error: 'connection refused' }, { ...base.steps[1]!, status: 'skipped' }] },
      ctx,
    );
    expect({ running: running.blocks.at(-1), done: done.blocks, failed: failed.blocks.at(-1) }).toMatchSnapshot();
  });

  it('a dry run shows the plan without buttons', () => {
    const card = actionCard(base, { ...ctx, dryRun: true });
    expect(card.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(card.text).toBe('Dry run · Fail over the database — dry run');
  });
});

describe('the health card', () => {
  it('failures first, each with latency and error', () => {
    const card = healthCard(
      [
        { name: 'Platform database', ok: true, ms: 12, detail: 'SELECT 1 ok · primary · 1 standby(s)' },
        { name: 'Redis', ok: false, ms: 4000, error: 'no answer within 4.0 s' },
        { name: 'API Gateway', ok: true, ms: 35, detail: 'HTTP 200' },
      ],
      { totalMs: 4002, at },
    );
    expect(card).toMatchSnapshot();
  });
});
