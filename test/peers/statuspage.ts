/**
 * A local Atlassian Statuspage REST API v1 for the incident paths the bot uses: create
 * (`POST /v1/pages/{page}/incidents`), update (`PATCH …/incidents/{id}`), list unresolved. As strict as the
 * service: `Authorization: OAuth <key>`, the page, the documented enums, known component ids — and its rate
 * limit: a second request with the same key within 1 s is answered 420 ("enhance your calm").
 */
import { randomBytes } from 'node:crypto';
import { PeerServer, type Answer, type PeerRequest } from './peer-server.js';

const STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'scheduled', 'in_progress', 'verifying', 'completed'];
const IMPACTS = ['none', 'minor', 'major', 'critical'];
const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage', ''];

export interface PeerPageIncident {
  id: string;
  name: string;
  status: string;
  impact_override: string | null;
  shortlink: string;
  components: Record<string, string>;
  metadata: Record<string, unknown>;
  body: string;
  updates: number;
}

export class StatuspagePeer extends PeerServer {
  readonly incidents = new Map<string, PeerPageIncident>();
  private readonly lastByKey = new Map<string, number>();

  constructor(
    readonly pageId: string,
    readonly apiKey: string,
    readonly componentIds: string[],
    readonly minGapMs = 1_000,
  ) {
    super();
  }

  /** Requests the rate limit refused. */
  limited(): PeerRequest[] {
    return this.requests.filter((r) => r.answered === 420);
  }

  protected badJson(): Answer {
    return { status: 400, body: { error: 'Bad request: could not parse JSON' } };
  }

  protected handle(r: Omit<PeerRequest, 'answered' | 'at'>): Answer {
    const key = /^OAuth (.+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
    if (key !== this.apiKey) return { status: 401, body: { error: 'Could not authenticate' } };
    const now = Date.now();
    const last = this.lastByKey.get(key);
    this.lastByKey.set(key, now);
    if (last !== undefined && now - last < this.minGapMs) return { status: 420, body: { error: 'Rate limit exceeded. Slow down.' } };
    const m = /^\/v1\/pages\/([^/]+)\/incidents(?:\/([^/]+))?$/.exec(r.path);
    if (!m || m[1] !== this.pageId) return { status: 404, body: { error: 'Not found' } };
    if (r.method === 'GET' && m[2] === 'unresolved') return { status: 200, body: [...this.incidents.values()].filter((i) => i.status !== 'resolved').map(view) };
    if (r.method === 'POST' && !m[2]) {
      const bad = this.check(r.body.incident, true);
      if (bad.length) return { status: 422, body: { error: bad } };
      const i = r.body.incident;
      const id = randomBytes(6).toString('hex');
      const inc: PeerPageIncident = { id, name: i.name, status: i.status ?? 'investigating', impact_override: i.impact_override ?? null, shortlink: `https://stspg.io/${id.slice(0, 5)}`, components: { ...i.components }, metadata: i.metadata ?? {}, body: i.body ?? '', updates: 1 };
      this.incidents.set(id, inc);
      return { status: 201, body: view(inc) };
    }
    if (r.method === 'PATCH' && m[2]) {
      const inc = this.incidents.get(m[2]);
      if (!inc) return { status: 404, body: { error: 'Not found' } };
      const bad = this.check(r.body.incident, false);
      if (bad.length) return { status: 422, body: { error: bad } };
      const i = r.body.incident;
      Object.assign(inc, { ...(i.name ? { name: i.name } : {}), ...(i.status ? { status: i.status } : {}), ...(i.impact_override ? { impact_override: i.impact_override } : {}), ...(i.body !== undefined ? { body: i.body } : {}) });
      inc.components = { ...inc.components, ...i.components };
      inc.updates++;
      return { status: 200, body: view(inc) };
    }
    return { status: 405, body: { error: 'Method not allowed' } };
  }

  private check(i: any, create: boolean): string[] {
    const errors: string[] = [];
    if (!i || typeof i !== 'object') return ['incident is missing'];
    if (create && (typeof i.name !== 'string' || !i.name.trim())) errors.push("Name can't be blank");
    if (typeof i.name === 'string' && i.name.length > 255) errors.push('Name is too long (maximum is 255 characters)');
    if (i.status !== undefined && !STATUSES.includes(i.status)) errors.push('Status is not included in the list');
    if (i.impact_override !== undefined && !IMPACTS.includes(i.impact_override)) errors.push('Impact override is not included in the list');
    for (const id of i.component_ids ?? []) if (!this.componentIds.includes(id)) errors.push(`Component ${id} not found`);
    for (const [id, st] of Object.entries(i.components ?? {})) {
      if (!this.componentIds.includes(id)) errors.push(`Component ${id} not found`);
      if (!COMPONENT_STATUSES.includes(st as string)) errors.push(`Component status ${String(st)} is invalid`);
    }
    if (i.metadata !== undefined && (typeof i.metadata !== 'object' || Array.isArray(i.metadata))) errors.push('Metadata must be an object');
    return errors;
  }
}

const view = (i: PeerPageIncident) => ({ id: i.id, name: i.name, status: i.status, impact_override: i.impact_override, shortlink: i.shortlink, metadata: i.metadata, components: Object.entries(i.components).map(([id, status]) => ({ id, status })) });
