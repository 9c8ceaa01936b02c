/**
 * `/dr regenerate-qr --missing-only`: the procedures' `regenerate-qr-batch.sh --missing-only`, run as a
 * Kubernetes Job made from the policy's CronJob template (`kubectl create job --from=cronjob/…`), followed
 * to completion, then the QR counts checked again: no partner may be left without a code.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import { KubernetesError } from '../../infra/kubernetes.js';
import type { Runbook, RunbookContext } from '../types.js';
import { kubernetesUnreachable } from '../target-hints.js';
import { count, dataTarget, platformUrl } from './data-target.js';
import { qrLine } from './recover-partners.js';

interface RegeneratePlan {
  urlEnv: string;
  namespace: string;
  cronJob: string;
  job: string;
  args: string[];
  timeout: number;
  pollEvery: number;
  qr: { partners: string; qr: string };
}

function settings(ctx: Pick<RunbookContext, 'policy'>) {
  const { connectionEnv, data } = dataTarget(ctx.policy);
  const rq = data.regenerateQr;
  const k8s = ctx.policy.targets.kubernetes;
  if (!rq || !k8s) throw new UserError('The policy names no QR regeneration CronJob (`targets.database.data.regenerateQr.cronJob` in dr-policy.yml, with `targets.kubernetes`).');
  return { connectionEnv, data, rq, k8s, namespace: rq.namespace ?? k8s.namespace };
}

/** A Job name of at most 63 characters, like kubectl's `<cron>-manual-<suffix>`. */
const jobName = (cron: string, at: Date) => `${cron.slice(0, 40)}-dr-${at.getTime().toString(36)}`;

export const regenerateQr: Runbook<Record<string, never>, RegeneratePlan> = {
  id: 'regenerate-qr',
  title: 'Regenerate missing QR codes',
  destructive: false,
  requestRoles: [INCIDENT_COMMANDER, 'dba', 'technical_lead'],
  approveRoles: [INCIDENT_COMMANDER, 'dba', 'technical_lead'],
  async plan(ctx) {
    const s = settings(ctx);
    let cron;
    try {
      cron = await ctx.infra.kubernetesBatch(s.k8s).cronJob(s.namespace, s.rq.cronJob);
    } catch (err) {
      if (err instanceof KubernetesError && err.status === 404) throw new UserError(`There is no CronJob ${s.namespace}/${s.rq.cronJob} in the cluster (\`targets.database.data.regenerateQr.cronJob\`); nothing was planned.`);
      throw kubernetesUnreachable(ctx.infra, s.k8s, `cronjob ${s.namespace}/${s.rq.cronJob}`, err);
    }
    let q;
    try {
      q = await ctx.infra.data.qrCounts(platformUrl(ctx, s.connectionEnv), { partners: s.data.partners.partnersTable, qr: s.data.partners.qrTable });
    } catch (err) {
      throw new UserError(`The platform database did not answer the QR count (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
    }
    if (q.partnersWithoutCode === 0) throw new UserError(`Every partner has a QR code (${qrLine(q)}): nothing to regenerate.`);
    const args = [...cron.args, ...s.rq.args];
    const plan: RegeneratePlan = {
      urlEnv: s.connectionEnv,
      namespace: s.namespace,
      cronJob: s.rq.cronJob,
      job: jobName(s.rq.cronJob, ctx.clock.now()),
      args: s.rq.args,
      timeout: s.rq.timeout,
      pollEvery: s.rq.pollEvery,
      qr: { partners: s.data.partners.partnersTable, qr: s.data.partners.qrTable },
    };
    return {
      target: `kubernetes:${s.namespace}/cronjob/${s.rq.cronJob}`,
      summary: `Run ${s.rq.cronJob} now as a Job (kubectl create job --from=cronjob/${s.rq.cronJob}) with ${s.rq.args.join(' ')}, wait for it, then check that every partner has a QR code.`,
      facts: [
        ['Partners without a code', count(q.partnersWithoutCode)],
        ['QR codes whose partner is missing', `${count(q.withoutPartner)} (not touched by --missing-only)`],
        ['CronJob', `${s.namespace}/${cron.name}, schedule \`${cron.schedule}\`${cron.suspend ? ' (suspended: the Job runs anyway)' : ''}`],
        ['Job', `${plan.job}: ${cron.image} ${args.join(' ')}`],
      ],
      warnings: [],
      data: plan,
      fingerprint: { cronJob: cron.name, image: cron.image, args: args.join(' '), missing: true },
    };
  },
  steps(plan) {
    const d = plan.data;
    const batch = (ctx: RunbookContext) => ctx.infra.kubernetesBatch(settings(ctx).k8s);
    return [
      {
        id: 'create-job',
        title: `Create Job ${d.job} from cronjob/${d.cronJob}`,
        async run(ctx) {
          await batch(ctx).createFromCronJob(d.namespace, d.cronJob, d.job, d.args);
          return `created in ${d.namespace} with ${d.args.join(' ')}`;
        },
      },
      {
        id: 'wait-job',
        title: `Wait for ${d.job} to complete`,
        async run(ctx) {
          const t0 = performance.now();
          const s = await batch(ctx).waitJob(d.namespace, d.job, { timeoutMs: d.timeout, pollMs: d.pollEvery, onProgress: (x) => ctx.progress(`active ${x.active}, failed tries ${x.failed}`) });
          if (s.outcome === 'Failed') throw new Error(`the job failed after ${s.failed} tries (${s.why ?? 'no reason given'}); its pods' logs say why`);
          return `complete in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
        },
      },
      {
        id: 'verify',
        title: 'Verify every partner has a QR code',
        async run(ctx) {
          const q = await ctx.infra.data.qrCounts(platformUrl(ctx, d.urlEnv), d.qr);
          if (q.partnersWithoutCode > 0) throw new Error(`${count(q.partnersWithoutCode)} partners still have no code after the job`);
          return qrLine(q);
        },
      },
    ];
  },
};
