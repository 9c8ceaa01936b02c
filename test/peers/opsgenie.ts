/**
 * A local Opsgenie Alert API: create (`POST /v2/alerts`), acknowledge and close by alias. Checks the
 * documented fields and the `Authorization: GenieKey …` header; answers 202 {result, took, requestId} or
 * an error {message, took, requestId} with a 4xx, like the service.
 */
import { randomUUID } from 'node:crypto';
import { PeerServer, type Answer, type PeerRequest } from './peer-server.js';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];
const RESPONDER_TYPES = ['team', 'user', 'escalation', 'schedule'];

export interface Alert {
  alias: string;
  message: string;
  priority: string;
  status: 'open' | 'acknowledged' | 'closed';
  count: number;
  body: Record<string, any>;
}

export class OpsgeniePeer extends PeerServer {
  /** Keys the peer accepts; empty = any non-empty key. */
  readonly apiKeys = new Set<string>();
  readonly alerts = new Map<string, Alert>();

  constructor(readonly name = 'opsgenie') {
    super();
  }

  /** Accepted calls as `create`/`acknowledge`/`close` with the alias they were about. */
  calls(): Array<{ action: string; alias: string; body: Record<string, any> }> {
    return this.requests
      .filter((r) => r.answered === 202)
      .map((r) => {
        const m = /^\/v2\/alerts(?:\/([^/]+)\/(acknowledge|close))?$/.exec(r.path)!;
        return { action: m[2] ?? 'create', alias: m[1] ? decodeURIComponent(m[1]) : r.body.alias, body: r.body };
      });
  }

  override reset(): void {
    super.reset();
    this.alerts.clear();
  }

  protected badJson(): Answer {
    return error(400, 'Could not parse the request body');
  }

  protected handle(r: Omit<PeerRequest, 'answered' | 'at'>): Answer {
    const auth = String(r.headers.authorization ?? '');
    const key = /^GenieKey (\S+)$/.exec(auth)?.[1];
    if (!key || (this.apiKeys.size > 0 && !this.apiKeys.has(key))) return error(401, 'Could not authenticate');
    if (r.method !== 'POST') return error(404, 'Not found');
    if (r.path === '/v2/alerts') return this.create(r.body);
    const m = /^\/v2\/alerts\/([^/]+)\/(acknowledge|close)$/.exec(r.path);
    if (!m) return error(404, 'Not found');
    if (r.query.get('identifierType') !== 'alias') return error(422, 'identifierType must be alias for an alias identifier');
    const alias = decodeURIComponent(m[1]!);
    const alert = this.alerts.get(alias);
    // The real service accepts the request and fails it asynchronously; the peer says so at once.
    if (!alert) return error(404, 'Alert does not exist');
    alert.status = m[2] === 'close' ? 'closed' : alert.status === 'closed' ? 'closed' : 'acknowledged';
    return accepted();
  }

  private create(b: Record<string, any>): Answer {
    if (typeof b.message !== 'string' || b.message.trim() === '') return error(422, 'Message can not be empty.');
    if (b.message.length > 130) return error(422, 'Message can not be longer than 130 characters.');
    if (b.alias !== undefined && (typeof b.alias !== 'string' || b.alias.length > 512)) return error(422, 'Alias can not be longer than 512 characters.');
    if (b.description !== undefined && String(b.description).length > 15_000) return error(422, 'Description can not be longer than 15000 characters.');
    if (b.priority !== undefined && !PRIORITIES.includes(b.priority)) return error(422, 'Priority should be one of [P1, P2, P3, P4, P5]');
    if (b.responders !== undefined) {
      if (!Array.isArray(b.responders) || b.responders.some((x: any) => !RESPONDER_TYPES.includes(x?.type) || !(x.id || x.name || x.username))) {
        return error(422, 'Responders must each have a valid type and an id, name or username');
      }
    }
    if (b.details !== undefined && Object.values(b.details as object).some((v) => typeof v !== 'string')) return error(422, 'Details values must be strings');
    const alias = b.alias ?? randomUUID();
    const existing = this.alerts.get(alias);
    // An open alert with the same alias is de-duplicated: its count goes up, nobody is paged twice.
    if (existing && existing.status !== 'closed') existing.count++;
    else this.alerts.set(alias, { alias, message: b.message, priority: b.priority ?? 'P3', status: 'open', count: 1, body: b });
    return accepted();
  }
}

const took = () => Math.round(Math.random() * 300) / 1000;
const accepted = (): Answer => ({ status: 202, body: { result: 'Request will be processed', took: took(), requestId: randomUUID() } });
const error = (status: number, message: string): Answer => ({ status, body: { message, took: took(), requestId: randomUUID() } });
