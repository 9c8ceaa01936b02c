/**
 * Kubernetes batch/v1 for the data recovery: a Job created from a CronJob's template, exactly as
 * `kubectl create job <name> --from=cronjob/<cron>` makes it (the template's spec, labels and annotations,
 * `cronjob.kubernetes.io/instantiate: manual`, the CronJob as controller owner), with extra arguments for
 * the first container (`--missing-only`), then followed to Complete or Failed. The client is loaded on
 * first use, like the apps/v1 adapter's.
 */
import type { BatchV1Api, V1Job } from '@kubernetes/client-node';
import { call, kubeConfig, type KubeAccess } from './kubernetes.js';

export interface CronJobInfo {
  namespace: string;
  name: string;
  schedule: string;
  suspend: boolean;
  container: string;
  image: string;
  args: string[];
}

export interface JobState {
  namespace: string;
  name: string;
  active: number;
  succeeded: number;
  failed: number;
  outcome?: 'Complete' | 'Failed';
  /** The Failed condition's reason and message (BackoffLimitExceeded…). */
  why?: string;
}

const stateOf = (j: V1Job, namespace: string, name: string): JobState => {
  const done = (j.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return {
    namespace,
    name,
    active: j.status?.active ?? 0,
    succeeded: j.status?.succeeded ?? 0,
    failed: j.status?.failed ?? 0,
    outcome: done?.type as JobState['outcome'],
    why: done?.type === 'Failed' ? [done.reason, done.message].filter(Boolean).join(': ') : undefined,
  };
};

export class KubernetesBatchAdapter {
  private client?: Promise<BatchV1Api>;
  constructor(private readonly access: KubeAccess) {}

  private api(): Promise<BatchV1Api> {
    this.client ??= import('@kubernetes/client-node').then(
      (k8s) => kubeConfig(k8s, this.access).makeApiClient(k8s.BatchV1Api),
      (err: unknown) => {
        this.client = undefined;
        throw err;
      },
    );
    return this.client;
  }

  async cronJob(namespace: string, name: string): Promise<CronJobInfo> {
    const c = await call(`GET cronjob ${namespace}/${name}`, async () => (await this.api()).readNamespacedCronJob({ name, namespace }));
    const first = c.spec?.jobTemplate?.spec?.template?.spec?.containers?.[0];
    return { namespace, name, schedule: c.spec?.schedule ?? '', suspend: c.spec?.suspend === true, container: first?.name ?? '', image: first?.image ?? '', args: first?.args ?? [] };
  }

  /** `kubectl create job <job> --from=cronjob/<cron>`, with `extraArgs` appended to the first container's args. */
  async createFromCronJob(namespace: string, cron: string, job: string, extraArgs: string[]): Promise<JobState> {
    const api = await this.api();
    const c = await call(`GET cronjob ${namespace}/${cron}`, () => api.readNamespacedCronJob({ name: cron, namespace }));
    const tpl = c.spec?.jobTemplate;
    const spec = structuredClone(tpl?.spec);
    if (!spec) throw new Error(`cronjob ${namespace}/${cron} has no job template`);
    const first = spec.template?.spec?.containers?.[0];
    if (first && extraArgs.length) first.args = [...(first.args ?? []), ...extraArgs];
    const body: V1Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: job,
        namespace,
        labels: tpl?.metadata?.labels,
        annotations: { ...tpl?.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cron, uid: c.metadata?.uid ?? '', controller: true }],
      },
      spec,
    };
    return stateOf(await call(`POST job ${namespace}/${job}`, () => api.createNamespacedJob({ namespace, body })), namespace, job);
  }

  async job(namespace: string, name: string): Promise<JobState> {
    return stateOf(await call(`GET job ${namespace}/${name}`, async () => (await this.api()).readNamespacedJob({ name, namespace })), namespace, name);
  }

  /** Polls until the Job is Complete or Failed (answered, not thrown: the step words it); throws after `timeoutMs`. */
  async waitJob(namespace: string, name: string, o: { timeoutMs: number; pollMs: number; onProgress?: (s: JobState) => void | Promise<void> }): Promise<JobState> {
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      const s = await this.job(namespace, name);
      if (s.outcome) return s;
      await o.onProgress?.(s);
      if (Date.now() > deadline) throw new Error(`job ${namespace}/${name} did not finish within ${Math.round(o.timeoutMs / 1000)} s (active ${s.active}, failed ${s.failed}); it goes on in the cluster`);
      await new Promise((r) => setTimeout(r, o.pollMs));
    }
  }
}
