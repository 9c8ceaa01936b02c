/** Kubernetes apps/v1 deployments: ready/desired for /dr health, env repointing, images, restarts, scale, apply, rollout waits. */
import type { AppsV1Api, ConfigurationOptions, V1Deployment } from '@kubernetes/client-node';

/**
 * The Kubernetes client is loaded on first use: it weighs ~80–130 MB of memory, and most bot processes
 * never repoint, scale or restart anything.
 */
interface Client {
  api: AppsV1Api;
  header(strategy: 'StrategicMergePatch' | 'ServerSideApply'): ConfigurationOptions;
}
async function connect(a: KubeAccess): Promise<Client> {
  const k8s = await import('@kubernetes/client-node');
  return { api: kubeConfig(k8s, a).makeApiClient(k8s.AppsV1Api), header: (s) => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy[s]) };
}

export interface DeploymentState {
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  generation: number;
  observedGeneration: number;
  /** Container name → its plain `env` values. */
  env: Record<string, Record<string, string>>;
  /** Container name → image, and the rollout revision (`deployment.kubernetes.io/revision`) when known. */
  images: Record<string, string>;
  revision?: number;
  /** The pod selector as a label selector string (`app=api-gateway`), to find the deployment's ReplicaSets. */
  selector: string;
}

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const REVISION = 'deployment.kubernetes.io/revision';

export interface KubeAccess {
  kubeconfigPath?: string;
  server?: string;
  token?: string;
}

export function kubeConfig(k8s: typeof import('@kubernetes/client-node'), a: KubeAccess) {
  const kc = new k8s.KubeConfig();
  if (a.kubeconfigPath) kc.loadFromFile(a.kubeconfigPath);
  else if (a.server) {
    kc.loadFromOptions({
      // client-node refuses plain http unless told to skip TLS checks; with http there is no TLS to check.
      clusters: [{ name: 'target', server: a.server, skipTLSVerify: a.server.startsWith('http://') }],
      users: [{ name: 'dr-bot', ...(a.token ? { token: a.token } : {}) }],
      contexts: [{ name: 'target', cluster: 'target', user: 'dr-bot' }],
      currentContext: 'target',
    });
  } else kc.loadFromDefault();
  return kc;
}

function stateOf(d: V1Deployment, namespace: string, name: string): DeploymentState {
  const env: DeploymentState['env'] = {};
  for (const c of d.spec?.template?.spec?.containers ?? []) {
    env[c.name] = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  }
  return {
    namespace,
    name,
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    generation: d.metadata?.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    env,
    images: Object.fromEntries((d.spec?.template?.spec?.containers ?? []).map((c) => [c.name, c.image ?? ''])),
    revision: d.metadata?.annotations?.[REVISION] ? Number(d.metadata.annotations[REVISION]) : undefined,
    selector: Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
  };
}

/** What the API server said, in one line: its Status message rather than the generated client's dump. */
export class KubernetesError extends Error {
  constructor(readonly status: number | undefined, message: string) {
    super(message);
    this.name = 'KubernetesError';
  }
}

export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { code?: number; body?: unknown; message?: string };
    if (typeof e.code !== 'number') throw err;
    let message: string | undefined;
    try {
      message = (typeof e.body === 'string' ? JSON.parse(e.body) : e.body)?.message;
    } catch {
      message = undefined;
    }
    throw new KubernetesError(e.code, `Kubernetes answered ${e.code} to ${what}: ${message ?? e.message ?? 'no message'}`);
  }
}

/** `kubectl rollout status`: the controller saw the new spec and every replica runs it and is available. */
export const rolledOut = (s: DeploymentState): boolean =>
  s.observedGeneration >= s.generation && s.updated === s.desired && s.available === s.desired && s.ready === s.desired;

export class KubernetesAdapter {
  private client?: Promise<Client>;
  constructor(private readonly access: KubeAccess) {}

  private k(): Promise<Client> {
    this.client ??= connect(this.access).catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  async get(namespace: string, name: string): Promise<DeploymentState> {
    return stateOf(await call(`GET ${namespace}/${name}`, async () => (await this.k()).api.readNamespacedDeployment({ name, namespace })), namespace, name);
  }

  /**
   * `kubectl set env`: a strategic-merge patch, which merges containers by name and env entries by name,
   * so the other variables and containers are left as they are. `valueFrom: null` deletes a ConfigMap or
   * Secret reference the variable had: the API server refuses an entry with both `value` and `valueFrom`.
   */
  async setEnv(namespace: string, name: string, containers: string[], values: Record<string, string>): Promise<DeploymentState> {
    const env = Object.entries(values).map(([k, v]) => ({ name: k, value: v, valueFrom: null }));
    const body = { spec: { template: { spec: { containers: containers.map((c) => ({ name: c, env })) } } } };
    const d = await call(`PATCH ${namespace}/${name}`, async () =>
      (await this.k()).api.patchNamespacedDeployment({ name, namespace, body }, (await this.k()).header('StrategicMergePatch')),
    );
    return stateOf(d, namespace, name);
  }

  /** `kubectl set image`: a strategic-merge patch of the named containers' images only. */
  async setImages(namespace: string, name: string, images: Record<string, string>): Promise<DeploymentState> {
    const body = { spec: { template: { spec: { containers: Object.entries(images).map(([c, image]) => ({ name: c, image })) } } } };
    return this.strategic(namespace, name, body);
  }

  /** `kubectl rollout restart`: a new pod-template annotation, so every pod is replaced by the rollout. */
  async restart(namespace: string, name: string, at: Date): Promise<DeploymentState> {
    return this.strategic(namespace, name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at.toISOString() } } } } });
  }

  private async strategic(namespace: string, name: string, body: object): Promise<DeploymentState> {
    const d = await call(`PATCH ${namespace}/${name}`, async () =>
      (await this.k()).api.patchNamespacedDeployment({ name, namespace, body }, (await this.k()).header('StrategicMergePatch')),
    );
    return stateOf(d, namespace, name);
  }

  /**
   * What `kubectl rollout undo` goes back to: the images of the newest ReplicaSet revision older than the
   * deployment's current one; undefined when there is none (a first rollout).
   */
  async previousImages(namespace: string, name: string): Promise<{ revision: number; images: Record<string, string> } | undefined> {
    const cur = await this.get(namespace, name);
    const list = await call(`GET ${namespace} replicasets`, async () => (await this.k()).api.listNamespacedReplicaSet({ namespace, labelSelector: cur.selector || undefined }));
    const older = list.items
      .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o) => o.kind === 'Deployment' && o.name === name))
      .map((rs) => ({ revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0), images: Object.fromEntries((rs.spec?.template?.spec?.containers ?? []).map((c) => [c.name, c.image ?? ''])) }))
      .filter((r) => r.revision > 0 && (cur.revision === undefined || r.revision < cur.revision))
      .sort((a, b) => b.revision - a.revision);
    return older.find((r) => Object.entries(r.images).some(([c, img]) => cur.images[c] !== img));
  }

  /** `kubectl apply --server-side`: the manifest as the desired state, owned by `fieldManager` (forced on conflicts). */
  async apply(namespace: string, name: string, manifest: object, fieldManager: string): Promise<DeploymentState> {
    const d = await call(`APPLY ${namespace}/${name}`, async () =>
      (await this.k()).api.patchNamespacedDeployment({ name, namespace, body: manifest, fieldManager, force: true }, (await this.k()).header('ServerSideApply')),
    );
    return stateOf(d, namespace, name);
  }

  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    await call(`PUT ${namespace}/${name}/scale`, async () => (await this.k()).api.replaceNamespacedDeploymentScale({ name, namespace, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas } } }));
  }

  /** Polls until rolled out; `onProgress` sees each state (for the card). Throws after `timeoutMs`. */
  async waitRollout(namespace: string, name: string, o: { timeoutMs: number; pollMs?: number; onProgress?: (s: DeploymentState) => void | Promise<void> }): Promise<DeploymentState> {
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      const s = await this.get(namespace, name);
      if (rolledOut(s)) return s;
      await o.onProgress?.(s);
      if (Date.now() > deadline) {
        throw new Error(`${namespace}/${name} did not roll out within ${Math.round(o.timeoutMs / 1000)} s (updated ${s.updated}/${s.desired}, ready ${s.ready}, observed generation ${s.observedGeneration}/${s.generation})`);
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 1_000));
    }
  }
}
