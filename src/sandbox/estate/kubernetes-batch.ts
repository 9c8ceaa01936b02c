/**
 * The API server's batch/v1 paths the bot uses, for the Kubernetes peer: GET a CronJob, POST a Job (with
 * the validation the API server applies to what `kubectl create job --from=cronjob/…` sends: kind and
 * apiVersion, a name, the path's namespace, containers, restartPolicy OnFailure or Never, no duplicate
 * name), GET a Job whose status moves from active to Complete (or Failed after backoffLimit) after `jobMs`.
 * `onRun` is what the Job's container does (a test's stand-in for the real image), awaited before Complete.
 */
export interface PeerCronJob {
  namespace: string;
  name: string;
  uid: string;
  schedule: string;
  suspend: boolean;
  jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any };
}

export interface PeerJob {
  namespace: string;
  name: string;
  body: any;
  startTime: string;
  completionTime?: string;
  outcome?: 'Complete' | 'Failed';
}

const CRONJOB = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/cronjobs\/([^/]+)$/;
const JOBS = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/;

type Answer = { status: number; body: unknown };
const statusOf = (code: number, reason: string, message: string): Answer => ({ status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } });

export class K8sBatch {
  readonly cronJobs = new Map<string, PeerCronJob>();
  readonly jobs = new Map<string, PeerJob>();
  jobMs = 200;
  /** Images whose pods fail every try: the Job ends Failed (BackoffLimitExceeded). */
  readonly failingImages = new Set<string>();
  onRun?: (job: PeerJob) => void | Promise<void>;
  private timers = new Set<NodeJS.Timeout>();

  addCronJob(namespace: string, name: string, o: { schedule?: string; image?: string; args?: string[]; labels?: Record<string, string> } = {}): PeerCronJob {
    const c: PeerCronJob = {
      namespace,
      name,
      uid: `uid-cronjob-${name}`,
      schedule: o.schedule ?? '0 3 * * *',
      suspend: false,
      jobTemplate: {
        metadata: { labels: { app: name, ...o.labels } },
        spec: { backoffLimit: 2, template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'OnFailure', containers: [{ name, image: o.image ?? `boomcard/${name}:v1`, args: o.args ?? [] }] } } },
      },
    };
    this.cronJobs.set(`${namespace}/${name}`, c);
    return c;
  }

  private cronView(c: PeerCronJob) {
    return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: c.name, namespace: c.namespace, uid: c.uid, resourceVersion: '1' }, spec: { schedule: c.schedule, suspend: c.suspend, jobTemplate: structuredClone(c.jobTemplate) }, status: {} };
  }

  private jobView(j: PeerJob) {
    const failed = j.outcome === 'Failed' ? (j.body.spec.backoffLimit ?? 6) + 1 : 0;
    const conditions = j.outcome
      ? [{ type: j.outcome, status: 'True', reason: j.outcome === 'Failed' ? 'BackoffLimitExceeded' : undefined, message: j.outcome === 'Failed' ? 'Job has reached the specified backoff limit' : undefined, lastTransitionTime: j.completionTime }]
      : [];
    return {
      ...j.body,
      metadata: { ...j.body.metadata, uid: `uid-job-${j.name}`, resourceVersion: '1' },
      status: { startTime: j.startTime, active: j.outcome ? 0 : 1, succeeded: j.outcome === 'Complete' ? 1 : 0, failed, ...(j.outcome === 'Complete' ? { completionTime: j.completionTime } : {}), conditions },
    };
  }

  private create(namespace: string, body: any): Answer {
    if (body?.apiVersion !== 'batch/v1' || body?.kind !== 'Job') return statusOf(400, 'BadRequest', `the API version in the data (${body?.apiVersion}) does not match the expected API version (batch/v1) or kind (${body?.kind})`);
    const name = body.metadata?.name;
    if (!name) return statusOf(422, 'Invalid', 'Job.batch "" is invalid: metadata.name: Required value: name or generateName is required');
    if (body.metadata.namespace && body.metadata.namespace !== namespace) return statusOf(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    const pod = body.spec?.template?.spec;
    if (!Array.isArray(pod?.containers) || pod.containers.length === 0) return statusOf(422, 'Invalid', `Job.batch "${name}" is invalid: spec.template.spec.containers: Required value`);
    if (!['OnFailure', 'Never'].includes(pod.restartPolicy)) return statusOf(422, 'Invalid', `Job.batch "${name}" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`);
    if (this.jobs.has(`${namespace}/${name}`)) return statusOf(409, 'AlreadyExists', `jobs.batch "${name}" already exists`);
    const j: PeerJob = { namespace, name, body: structuredClone({ ...body, metadata: { ...body.metadata, namespace } }), startTime: new Date().toISOString() };
    this.jobs.set(`${namespace}/${name}`, j);
    const t = setTimeout(() => {
      this.timers.delete(t);
      const fails = pod.containers.some((c: { image?: string }) => c.image && this.failingImages.has(c.image));
      void Promise.resolve(fails ? undefined : this.onRun?.(j)).then(
        () => Object.assign(j, { outcome: fails ? 'Failed' : 'Complete', completionTime: new Date().toISOString() }),
        () => Object.assign(j, { outcome: 'Failed', completionTime: new Date().toISOString() }),
      );
    }, this.jobMs);
    this.timers.add(t);
    return { status: 201, body: this.jobView(j) };
  }

  static owns(path: string): boolean {
    return CRONJOB.test(path) || JOBS.test(path);
  }

  /** An answer for a batch/v1 path, or undefined when the path is not one. */
  handle(method: string, path: string, body: any): Answer | undefined {
    const c = CRONJOB.exec(path);
    if (c) {
      if (method !== 'GET') return statusOf(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
      const cron = this.cronJobs.get(`${c[1]}/${c[2]}`);
      return cron ? { status: 200, body: this.cronView(cron) } : statusOf(404, 'NotFound', `cronjobs.batch "${c[2]}" not found`);
    }
    const j = JOBS.exec(path);
    if (!j) return undefined;
    if (!j[2]) return method === 'POST' ? this.create(j[1]!, body) : statusOf(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
    if (method !== 'GET') return statusOf(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`);
    const job = this.jobs.get(`${j[1]}/${j[2]}`);
    return job ? { status: 200, body: this.jobView(job) } : statusOf(404, 'NotFound', `jobs.batch "${j[2]}" not found`);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
