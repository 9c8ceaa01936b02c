/**
 * Atlassian Statuspage REST API v1: create and update a page's incident (with its components' statuses),
 * and list the unresolved ones (to find an incident an earlier try created: our metadata names it). The API
 * key is read by its env NAME at call time and goes only into `Authorization: OAuth <key>`.
 */
import type { PageIncident } from '../core/statuspage.js';

export interface RemoteIncident {
  id: string;
  shortlink?: string | null;
  status: string;
  metadata?: Record<string, Record<string, unknown>> | null;
}

export class StatuspageError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'StatuspageError';
  }

  /** 420 (Statuspage's "enhance your calm") and 429: too fast — wait and try again. */
  get rateLimited(): boolean {
    return this.status === 420 || this.status === 429;
  }
}

export class StatuspageClient {
  constructor(private readonly o: { apiUrl: string; pageId: string; tokenEnv: string; secret: (name: string) => string | undefined; timeoutMs: number }) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const key = this.o.secret(this.o.tokenEnv);
    if (!key) throw new StatuspageError(`${this.o.tokenEnv} is not set`);
    let res: Response;
    try {
      res = await fetch(`${this.o.apiUrl.replace(/\/+$/, '')}/v1/pages/${this.o.pageId}${path}`, {
        method,
        headers: { authorization: `OAuth ${key}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      throw new StatuspageError(`Statuspage did not answer (${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message})`);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { error: text.slice(0, 200) };
    }
    if (res.status >= 400) {
      const e = (json as { error?: unknown; message?: unknown }).error ?? (json as { message?: unknown }).message ?? 'no reason given';
      throw new StatuspageError(`Statuspage ${res.status}: ${Array.isArray(e) ? e.join('; ') : String(e)}`, res.status);
    }
    return json;
  }

  create(i: PageIncident, ours: number): Promise<RemoteIncident> {
    return this.call('POST', '/incidents', { incident: { ...i, deliver_notifications: true, metadata: { drbot: { incident: ours } } } }) as Promise<RemoteIncident>;
  }

  update(id: string, i: PageIncident): Promise<RemoteIncident> {
    return this.call('PATCH', `/incidents/${encodeURIComponent(id)}`, { incident: { ...i, deliver_notifications: true } }) as Promise<RemoteIncident>;
  }

  /** The unresolved incident our metadata names (an earlier create whose answer was lost). */
  async findOurs(ours: number): Promise<RemoteIncident | undefined> {
    const list = (await this.call('GET', '/incidents/unresolved')) as RemoteIncident[];
    return list.find((x) => x.metadata?.drbot?.incident === ours);
  }
}
