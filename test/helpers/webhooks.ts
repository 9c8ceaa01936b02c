/**
 * Sending webhooks to the bot the way the providers do: PagerDuty V3 payloads signed per its documented
 * scheme (`v1=` HMAC-SHA256 of the raw body, one per secret), Opsgenie's outgoing-webhook payloads.
 */
import { createHmac, randomUUID } from 'node:crypto';

export const PD_SECRET = 'pd-webhook-secret-current-0123456789abcdef';
export const PD_SECRET_OLD = 'pd-webhook-secret-previous-fedcba9876543210';
export const OG_TOKEN = 'og-webhook-token-0123456789';

export const pdSignature = (raw: string, secrets: string[]): string => secrets.map((s) => `v1=${createHmac('sha256', s).update(raw).digest('hex')}`).join(',');

/** A PagerDuty V3 incident event, as documented (event.id, event_type, occurred_at, agent, data.incident_key…). */
export function pdEvent(o: { type: string; incidentKey: string; agent?: { id: string; summary: string } | null; assignees?: string[]; id?: string; at?: Date }): string {
  const agent = o.agent === undefined ? { id: 'PLH1HKV', summary: 'Tenex Engineer' } : o.agent;
  return JSON.stringify({
    event: {
      id: o.id ?? randomUUID(),
      event_type: o.type,
      resource_type: 'incident',
      occurred_at: (o.at ?? new Date()).toISOString(),
      agent: agent && { html_url: `https://acme.pagerduty.com/users/${agent.id}`, id: agent.id, self: `https://api.pagerduty.com/users/${agent.id}`, summary: agent.summary, type: 'user_reference' },
      client: null,
      data: {
        id: 'PGR0VU2',
        type: 'incident',
        self: 'https://api.pagerduty.com/incidents/PGR0VU2',
        html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        number: 2,
        status: o.type === 'incident.resolved' ? 'resolved' : o.type === 'incident.acknowledged' ? 'acknowledged' : 'triggered',
        incident_key: o.incidentKey,
        created_at: new Date().toISOString(),
        title: 'INC alert',
        service: { id: 'PF9KMXH', summary: 'API Service', type: 'service_reference' },
        assignees: (o.assignees ?? ['User 123']).map((summary, i) => ({ id: `PU${i}`, summary, type: 'user_reference' })),
        urgency: 'high',
        resolve_reason: null,
      },
    },
  });
}

/** Opsgenie's outgoing webhook body for an alert action. */
export function ogEvent(o: { action: string; alias: string; username?: string; note?: string; updatedAt?: number }): string {
  return JSON.stringify({
    source: { name: '', type: 'web' },
    alert: {
      updatedAt: o.updatedAt ?? Date.now() * 1_000_000 + Math.floor(Math.random() * 1_000_000),
      tags: ['dr-bot'],
      message: 'INC alert',
      username: o.username ?? 'fili@example.com',
      alertId: '052652ac-5d1c-464a-812a-7dd18bbfba8c',
      source: 'BOOM Card DR bot',
      alias: o.alias,
      tinyId: '23',
      createdAt: Date.now(),
      userId: 'daed1180-0ce8-438b-8f8e-57e1a5920a2d',
      entity: '',
      ...(o.note !== undefined ? { note: o.note } : {}),
    },
    action: o.action,
    integrationId: '37c8f316-17c6-49d7-899b-9c7e540c048d',
    integrationName: 'DR bot',
  });
}

export async function post(port: number, path: string, raw: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  const text = await r.text();
  let body: Record<string, any> = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: r.status, body };
}

export const postPagerDuty = (port: number, raw: string, secrets: string[] = [PD_SECRET]) => post(port, '/webhooks/pagerduty', raw, { 'x-pagerduty-signature': pdSignature(raw, secrets) });
export const postOpsgenie = (port: number, raw: string, token = OG_TOKEN) => post(port, '/webhooks/opsgenie', raw, { authorization: `Bearer ${token}` });
