/**
 * The Kubernetes API server's apps/v1 deployment paths the bot uses, in-process: the tests' peer and the
 * local workspace's simulated cluster (a drill's "bad deploy" is an image whose pods never become ready): GET and PATCH
 * (strategic-merge content type required; containers and env merged by name, as the real server does),
 * PUT scale, the API server's validation of env entries (`value` and `valueFrom` together are Invalid), server-side apply (`application/apply-patch+yaml` + fieldManager), ReplicaSet revisions for
 * rollbacks. After a change the status converges over `rolloutMs`: observedGeneration first, then the
 * updated/ready/available replicas.
 */
import http from 'node:http';
import { closeServer, listenLocal, readBody } from './local-http.js';
import { K8sBatch } from './kubernetes-batch.js';

/** core/v1 EnvVar: a literal `value`, or `valueFrom` a ConfigMap/Secret key or a field — never both. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
}

export interface PeerDeployment {
  namespace: string;
  name: string;
  generation: number;
  replicas: number;
  containers: Container[];
  /** The generation the "controller" has rolled out, and when the one in progress completes. */
  rolledOut: number;
  changedAt: number;
  /** Pods that never become ready (crash-looping), whatever the rollout does. */
  notReady: number;
  /** Pod-template annotations (`kubectl.kubernetes.io/restartedAt`), the rollout revision and its ReplicaSets' templates. */
  annotations: Record<string, string>;
  revision: number;
  history: Array<{ revision: number; containers: Container[] }>;
  /** Server-side apply: the field manager that last applied it. */
  appliedBy?: string;
}

export interface K8sCall {
  method: string;
  path: string;
  contentType: string;
  body: any;
  status: number;
  query: Record<string, string>;
}

const DEPLOYMENT = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/;
const REPLICASETS = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets$/;
export const STRATEGIC_MERGE = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export class K8sPeer {
  readonly deployments = new Map<string, PeerDeployment>();
  readonly calls: K8sCall[] = [];
  /** batch/v1: CronJobs and the Jobs created from them (kubernetes-batch.ts). */
  readonly batch = new K8sBatch();
  rolloutMs = 300;
  /** Images whose pods crash-loop (never ready): the simulated estate's bad deploy. */
  readonly crashingImages = new Set<string>();
  private faults: Array<{ method: string; status: number; message: string }> = [];
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `previousImages`: the first container's image in the revisions before the current one (oldest first). */
  add(namespace: string, name: string, o: { replicas?: number; containers?: Container[]; notReady?: number; previousImages?: string[] } = {}): PeerDeployment {
    const d: PeerDeployment = { namespace, name, generation: 1, replicas: o.replicas ?? 3, containers: o.containers ?? [{ name, image: `boomcard/${name}:v1`, env: [{ name: 'DB_HOST', value: 'production-primary' }, { name: 'LOG_LEVEL', value: 'info' }] }], rolledOut: 1, changedAt: 0, notReady: o.notReady ?? 0, annotations: {}, revision: 0, history: [] };
    for (const image of o.previousImages ?? []) {
      const cs = structuredClone(d.containers);
      cs[0]!.image = image;
      d.history.push({ revision: d.history.length + 1, containers: cs });
    }
    this.newRevision(d);
    this.deployments.set(`${namespace}/${name}`, d);
    return d;
  }

  /** A pod-template change makes a new ReplicaSet revision, as the deployment controller does. */
  private newRevision(d: PeerDeployment): void {
    d.revision = Math.max(0, ...d.history.map((h) => h.revision)) + 1;
    d.history.push({ revision: d.revision, containers: structuredClone(d.containers) });
  }

  /** A new image for a deployment's first container, rolled out as `kubectl set image` would (a new revision). */
  deploy(namespace: string, name: string, image: string): void {
    const d = this.deployments.get(`${namespace}/${name}`);
    if (!d) throw new Error(`no deployment ${namespace}/${name}`);
    d.containers[0]!.image = image;
    Object.assign(d, { generation: d.generation + 1, changedAt: Date.now() });
    this.newRevision(d);
  }

  /** The deployment as the API server reports it (status included). */
  read(namespace: string, name: string) {
    const d = this.deployments.get(`${namespace}/${name}`);
    return d ? this.view(d) : undefined;
  }

  /** The next request with this method fails with `status`. */
  failNext(method: string, status: number, message: string): void {
    this.faults.push({ method, status, message });
  }

  env(namespace: string, name: string, container?: string): Record<string, string> {
    const d = this.deployments.get(`${namespace}/${name}`)!;
    const c = container ? d.containers.find((x) => x.name === container)! : d.containers[0]!;
    return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
  }

  /** A container's env entries as stored, `valueFrom` included. */
  envEntries(namespace: string, name: string, container?: string): EnvVar[] {
    const d = this.deployments.get(`${namespace}/${name}`)!;
    const c = container ? d.containers.find((x) => x.name === container)! : d.containers[0]!;
    return structuredClone(c.env ?? []);
  }

  private view(d: PeerDeployment) {
    const since = Date.now() - d.changedAt;
    const done = d.rolledOut === d.generation || since >= this.rolloutMs;
    if (done) d.rolledOut = d.generation;
    const observed = since >= this.rolloutMs / 3 ? d.generation : d.generation - 1;
    const updated = done ? d.replicas : since >= (this.rolloutMs * 2) / 3 ? Math.floor(d.replicas / 2) : 0;
    const notReady = d.containers.some((c) => this.crashingImages.has(c.image)) ? d.replicas : Math.min(d.notReady, d.replicas);
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, generation: d.generation, uid: `uid-${d.name}`, resourceVersion: String(d.generation * 10), annotations: { 'deployment.kubernetes.io/revision': String(d.revision) } },
      spec: { replicas: d.replicas, selector: { matchLabels: { app: d.name } }, template: { metadata: { labels: { app: d.name }, annotations: d.annotations }, spec: { containers: d.containers } } },
      status: { observedGeneration: observed, replicas: d.replicas, updatedReplicas: updated, readyReplicas: d.replicas - notReady, availableReplicas: d.replicas - notReady },
    };
  }

  /** Strategic merge for what the bot patches: containers by name, each container's env by name, template annotations. */
  private merge(d: PeerDeployment, patch: any): string | undefined {
    const containers = patch?.spec?.template?.spec?.containers;
    const annotations = patch?.spec?.template?.metadata?.annotations;
    if (annotations !== undefined) {
      if (typeof annotations !== 'object' || Object.values(annotations).some((v) => typeof v !== 'string')) return 'template annotations must be strings';
      Object.assign(d.annotations, annotations);
      if (containers === undefined) return undefined;
    }
    if (!Array.isArray(containers)) return 'the patch has no spec.template.spec.containers list';
    for (const pc of containers) {
      const c = d.containers.find((x) => x.name === pc.name);
      if (!c) return `no container "${pc.name}"`;
      for (const e of pc.env ?? []) {
        const have = (c.env ??= []).find((x) => x.name === e.name);
        const entry: EnvVar = have ?? { name: e.name };
        if (!have) c.env.push(entry);
        // Strategic merge: a key in the patch replaces it; a key set to null deletes it; others are kept.
        if ('value' in e) {
          if (e.value === null) delete entry.value;
          else entry.value = e.value;
        }
        if ('valueFrom' in e) {
          if (e.valueFrom === null) delete entry.valueFrom;
          else entry.valueFrom = e.valueFrom;
        }
      }
      if (pc.image) c.image = pc.image;
    }
    return this.validate(d);
  }

  /** What apps/v1 validation refuses in what the bot changes, worded as the API server words it. */
  private validate(d: PeerDeployment): string | undefined {
    for (const [ci, c] of d.containers.entries()) {
      for (const [ei, e] of (c.env ?? []).entries()) {
        if (e.valueFrom !== undefined && e.value !== undefined && e.value !== '') {
          return `Deployment.apps "${d.name}" is invalid: spec.template.spec.containers[${ci}].env[${ei}].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`;
        }
      }
    }
    return undefined;
  }

  private status(code: number, reason: string, message: string) {
    return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
  }

  /** ReplicaSets of the revisions kept, for `kubectl rollout undo`; filtered by an `app=<name>` label selector. */
  private replicaSets(namespace: string, selector: string | null) {
    const app = /^app=(.+)$/.exec(selector ?? '')?.[1];
    const items = [...this.deployments.values()]
      .filter((d) => d.namespace === namespace && (!app || d.name === app))
      .flatMap((d) =>
        d.history.map((h) => ({
          metadata: { name: `${d.name}-rev${h.revision}`, namespace, labels: { app: d.name }, annotations: { 'deployment.kubernetes.io/revision': String(h.revision) }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, uid: `uid-${d.name}`, controller: true }] },
          spec: { replicas: h.revision === d.revision ? d.replicas : 0, selector: { matchLabels: { app: d.name } }, template: { metadata: { labels: { app: d.name } }, spec: { containers: h.containers } } },
        })),
      );
    return { status: 200, body: { apiVersion: 'apps/v1', kind: 'ReplicaSetList', metadata: {}, items } };
  }

  /** Server-side apply: the manifest becomes the desired state (created when missing); fieldManager is required. */
  private apply(namespace: string, name: string, query: Record<string, string>, body: any): { status: number; body: unknown } {
    if (!query.fieldManager) return this.status(400, 'BadRequest', 'PATCH /apply requests require a fieldManager query parameter');
    if (body?.apiVersion !== 'apps/v1' || body?.kind !== 'Deployment') return this.status(400, 'BadRequest', `apply of ${body?.apiVersion}/${body?.kind} to a deployments path`);
    if (body?.metadata?.name !== name) return this.status(400, 'BadRequest', `the name of the object (${body?.metadata?.name}) does not match the name on the URL (${name})`);
    const containers = body?.spec?.template?.spec?.containers;
    if (!Array.isArray(containers) || containers.length === 0) return this.status(422, 'Invalid', 'spec.template.spec.containers: Required value');
    const d = this.deployments.get(`${namespace}/${name}`) ?? this.add(namespace, name, { containers: structuredClone(containers), replicas: body.spec.replicas ?? 1 });
    Object.assign(d, { containers: structuredClone(containers), replicas: body.spec.replicas ?? d.replicas, generation: d.generation + 1, changedAt: Date.now(), appliedBy: query.fieldManager });
    Object.assign(d.annotations, body.spec.template.metadata?.annotations ?? {});
    this.newRevision(d);
    return { status: 200, body: this.view(d) };
  }

  private handle(method: string, path: string, contentType: string, body: any, query: Record<string, string> = {}): { status: number; body: unknown } {
    const rs = REPLICASETS.exec(path);
    if (rs && method === 'GET') return this.replicaSets(rs[1]!, query.labelSelector ?? null);
    const m = DEPLOYMENT.exec(path);
    if (!m && K8sBatch.owns(path)) {
      // An injected fault answers before anything is created, as a failing API server would.
      const fault = this.faults.findIndex((f) => f.method === method);
      if (fault >= 0) {
        const f = this.faults.splice(fault, 1)[0]!;
        return this.status(f.status, 'InternalError', f.message);
      }
      return this.batch.handle(method, path, body)!;
    }
    if (!m) return this.status(404, 'NotFound', `the server could not find the requested resource (${path})`);
    const fault = this.faults.findIndex((f) => f.method === method);
    if (fault >= 0) {
      const f = this.faults.splice(fault, 1)[0]!;
      return this.status(f.status, 'InternalError', f.message);
    }
    if (method === 'PATCH' && !m[3] && contentType.split(';')[0] === APPLY_PATCH) return this.apply(m[1]!, m[2]!, query, body);
    const d = this.deployments.get(`${m[1]}/${m[2]}`);
    if (!d) return this.status(404, 'NotFound', `deployments.apps "${m[2]}" not found`);
    const scale = Boolean(m[3]);
    if (method === 'GET' && !scale) return { status: 200, body: this.view(d) };
    if (method === 'PATCH' && !scale) {
      if (contentType.split(';')[0] !== STRATEGIC_MERGE) return this.status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, ${STRATEGIC_MERGE}`);
      // Validated on a copy: a refused patch changes nothing, as on the API server.
      const draft = structuredClone(d);
      const problem = this.merge(draft, body);
      if (problem) return this.status(422, 'Invalid', problem);
      Object.assign(d, { containers: draft.containers, annotations: draft.annotations });
      Object.assign(d, { generation: d.generation + 1, changedAt: Date.now() });
      this.newRevision(d);
      return { status: 200, body: this.view(d) };
    }
    if (method === 'PUT' && scale) {
      const replicas = body?.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) return this.status(422, 'Invalid', 'spec.replicas must be a non-negative integer');
      Object.assign(d, { replicas, generation: d.generation + 1, changedAt: Date.now() });
      return { status: 200, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: d.name, namespace: d.namespace }, spec: { replicas }, status: { replicas } } };
    }
    return this.status(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      readBody(req, (raw) => {
        const url = new URL(req.url ?? '/', 'http://k8s');
        let body: any;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = raw;
        }
        const contentType = String(req.headers['content-type'] ?? '');
        const query = Object.fromEntries(url.searchParams);
        const r = this.handle(req.method ?? 'GET', url.pathname, contentType, body, query);
        this.calls.push({ method: req.method ?? 'GET', path: url.pathname, contentType, body, status: r.status, query });
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(r.body));
      });
    });
    this.port = await listenLocal(this.server);
    return this;
  }

  async close(): Promise<void> {
    this.batch.close();
    const s = this.server;
    this.server = undefined;
    await closeServer(s);
  }
}
