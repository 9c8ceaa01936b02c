import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { bearerValid, pagerDutySignatureValid } from '../../src/core/webhook-auth.js';
import { fromOpsgenie, opsgenieWebhook } from '../../src/webhooks/opsgenie.js';
import { fromPagerDuty, pagerDutyWebhook } from '../../src/webhooks/pagerduty.js';
import { ogEvent, pdEvent, pdSignature } from '../helpers/webhooks.js';

const vector = JSON.parse(readFileSync('test/fixtures/pagerduty-signature.json', 'utf8')) as { secret: string; body: string; signature: string; wrongSignature: string; documentedHeader: string };
const raw = Buffer.from(vector.body, 'utf8');

describe('X-PagerDuty-Signature (PagerDuty’s published test vector)', () => {
  it('accepts the signature PagerDuty computed for its example body and secret', () => {
    expect(pagerDutySignatureValid(raw, vector.signature, [vector.secret])).toBe(true);
  });

  it('refuses the vector’s mismatching signature, a missing header, and a body changed by one byte', () => {
    expect(pagerDutySignatureValid(raw, vector.wrongSignature, [vector.secret])).toBe(false);
    expect(pagerDutySignatureValid(raw, undefined, [vector.secret])).toBe(false);
    expect(pagerDutySignatureValid(raw, '', [vector.secret])).toBe(false);
    expect(pagerDutySignatureValid(Buffer.from(vector.body.replace('Tenex', 'Texen')), vector.signature, [vector.secret])).toBe(false);
  });

  it('during PagerDuty’s rotation several signatures come comma-separated: one valid is enough', () => {
    expect(pagerDutySignatureValid(raw, `${vector.wrongSignature},${vector.signature}`, [vector.secret])).toBe(true);
    expect(pagerDutySignatureValid(raw, `${vector.signature}, ${vector.wrongSignature}`, [vector.secret])).toBe(true);
    // The documentation's own example header (two signatures of some other body) is well-formed but not valid here.
    expect(pagerDutySignatureValid(raw, vector.documentedHeader, [vector.secret])).toBe(false);
  });

  it('during our rotation we hold the old and the new secret: either verifies', () => {
    const body = Buffer.from(pdEvent({ type: 'incident.acknowledged', incidentKey: 'drbot-INC-1-core' }));
    expect(pagerDutySignatureValid(body, pdSignature(body.toString(), ['old-secret']), ['new-secret', 'old-secret'])).toBe(true);
    expect(pagerDutySignatureValid(body, pdSignature(body.toString(), ['third-secret']), ['new-secret', 'old-secret'])).toBe(false);
  });

  it('only v1 signatures count; no secret configured verifies nothing', () => {
    expect(pagerDutySignatureValid(raw, vector.signature.replace('v1=', 'v2='), [vector.secret])).toBe(false);
    expect(pagerDutySignatureValid(raw, vector.signature.slice(3), [vector.secret])).toBe(false);
    expect(pagerDutySignatureValid(raw, vector.signature, [])).toBe(false);
  });
});

describe('bearer tokens (Opsgenie, Alertmanager)', () => {
  it('accepts exactly the token, case-insensitive scheme; refuses anything else', () => {
    expect(bearerValid('Bearer tok-1', 'tok-1')).toBe(true);
    expect(bearerValid('bearer tok-1', 'tok-1')).toBe(true);
    expect(bearerValid('Bearer tok-2', 'tok-1')).toBe(false);
    expect(bearerValid('Bearer tok-1x', 'tok-1')).toBe(false);
    expect(bearerValid('Basic tok-1', 'tok-1')).toBe(false);
    expect(bearerValid(undefined, 'tok-1')).toBe(false);
    expect(bearerValid('Bearer tok-1', undefined)).toBe(false);
  });
});

describe('provider payloads → what we act on', () => {
  it('PagerDuty: the documented incident events, keyed by incident_key; other types and keyless alerts are ignored', () => {
    const ack = fromPagerDuty(pagerDutyWebhook.parse(JSON.parse(pdEvent({ type: 'incident.acknowledged', incidentKey: 'drbot-INC-7-core', id: 'E1' }))));
    expect(ack).toMatchObject({ provider: 'pagerduty', eventId: 'E1', kind: 'acknowledged', dedupKey: 'drbot-INC-7-core', who: { id: 'PLH1HKV', name: 'Tenex Engineer' } });
    const moved = fromPagerDuty(pagerDutyWebhook.parse(JSON.parse(pdEvent({ type: 'incident.reassigned', incidentKey: 'k', assignees: ['Maeve'] }))));
    expect(moved).toMatchObject({ kind: 'reassigned', detail: 'Maeve' });
    expect(fromPagerDuty(pagerDutyWebhook.parse(JSON.parse(vector.body)))).toEqual({ ignored: 'event type incident.priority_updated is not acted on' });
    expect(fromPagerDuty(pagerDutyWebhook.parse(JSON.parse(pdEvent({ type: 'incident.acknowledged', incidentKey: '' }))))).toHaveProperty('ignored');
    expect(fromPagerDuty(pagerDutyWebhook.parse(JSON.parse(pdEvent({ type: 'incident.resolved', incidentKey: 'k', agent: null }))))).toMatchObject({ who: { name: 'PagerDuty' } });
  });

  it('Opsgenie: Acknowledge, UnAcknowledge, Close, AddNote by alias; the same change always has the same event id', () => {
    const body = ogEvent({ action: 'AddNote', alias: 'drbot-INC-7-dba', note: 'on it', updatedAt: 1420452224764002246 });
    const a = fromOpsgenie(opsgenieWebhook.parse(JSON.parse(body)), new Date());
    const b = fromOpsgenie(opsgenieWebhook.parse(JSON.parse(body)), new Date());
    expect(a).toMatchObject({ provider: 'opsgenie', kind: 'note', dedupKey: 'drbot-INC-7-dba', detail: 'on it', who: { name: 'fili@example.com' } });
    expect('eventId' in a && 'eventId' in b && a.eventId === b.eventId).toBe(true);
    expect(fromOpsgenie(opsgenieWebhook.parse(JSON.parse(ogEvent({ action: 'Create', alias: 'x' }))), new Date())).toHaveProperty('ignored');
  });
});
