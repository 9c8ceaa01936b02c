/**
 * A local PagerDuty Events API v2 (`POST /v2/enqueue`) that checks the documented fields and answers like
 * the service: 202 {status, message, dedup_key}, or 400 {status: 'invalid event', message, errors}.
 */
import { randomBytes } from 'node:crypto';
import { PeerServer, type Answer, type PeerRequest } from './peer-server.js';

const ACTIONS = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'error', 'warning', 'info'];

export class PagerDutyPeer extends PeerServer {
  /** Well-formed keys the "service" does not know: answered 400 like a key with no integration. */
  readonly unknownKeys = new Set<string>();

  /** The accepted events, in order. */
  events(filter: { action?: string; dedupKey?: string } = {}): Array<Record<string, any>> {
    return this.requests
      .filter((r) => r.answered === 202 && r.path === '/v2/enqueue')
      .map((r) => r.body)
      .filter((b) => (!filter.action || b.event_action === filter.action) && (!filter.dedupKey || b.dedup_key === filter.dedupKey));
  }

  protected badJson(): Answer {
    return invalid(['Could not parse the request body as JSON']);
  }

  protected handle(r: Omit<PeerRequest, 'answered' | 'at'>): Answer {
    if (r.method !== 'POST' || r.path !== '/v2/enqueue') return { status: 404, body: { status: 'not found', message: 'Not Found' } };
    const b = r.body;
    const errors: string[] = [];
    if (typeof b.routing_key !== 'string') errors.push("'routing_key' is missing or blank");
    else if (b.routing_key.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    else if (this.unknownKeys.has(b.routing_key)) errors.push('Invalid routing key');
    if (!ACTIONS.includes(b.event_action)) errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
    if (b.dedup_key !== undefined && (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255)) errors.push("'dedup_key' must be a string of at most 255 characters");
    if (b.event_action !== 'trigger' && typeof b.dedup_key !== 'string') errors.push("'dedup_key' is required for acknowledge and resolve");
    if (b.event_action === 'trigger') {
      const p = b.payload;
      if (!p || typeof p !== 'object') errors.push("'payload' is missing");
      else {
        if (typeof p.summary !== 'string' || p.summary.length === 0) errors.push("'payload.summary' is missing or blank");
        else if (p.summary.length > 1024) errors.push("'payload.summary' must be at most 1024 characters");
        if (typeof p.source !== 'string' || p.source.length === 0) errors.push("'payload.source' is missing or blank");
        if (!SEVERITIES.includes(p.severity)) errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
        if (p.custom_details !== undefined && (typeof p.custom_details !== 'object' || Array.isArray(p.custom_details))) errors.push("'payload.custom_details' must be an object");
      }
      if (b.links !== undefined && (!Array.isArray(b.links) || b.links.some((l: any) => typeof l?.href !== 'string'))) errors.push("'links' must be a list of {href, text}");
    }
    if (errors.length > 0) return invalid(errors);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: b.dedup_key ?? randomBytes(16).toString('hex') } };
  }
}

const invalid = (errors: string[]): Answer => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } });

/** A routing key of the right shape (32 characters), as PagerDuty issues them. */
export const routingKey = (seed: string): string => `R0${seed.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.padEnd(32, '0').slice(0, 32);
