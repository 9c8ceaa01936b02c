/**
 * `/dr failover-lb [service] [backup|primary]` (the procedures' "Load Balancer Failover": `aws elbv2
 * modify-target-group --target-group-arn $BACKUP_TG_ARN --health-check-interval-seconds 5`): the backup
 * target group's health-check interval set to 5 s, the listener's default action switched to it, the SDK's
 * TargetInService waiter with progress, then the service's health URL. ARNs only from the policy's env names.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { AwsCallError } from '../../infra/aws-call.js';
import { healthText, type LbTarget, type LbTargetGroup } from '../../infra/elbv2.js';
import type { Policy } from '../../policy.js';
import { missingVariable, TARGETS_README } from '../target-hints.js';
import type { Runbook, RunbookContext, Step } from '../types.js';
import { EDGE_ROLES } from './cdn.js';
import { explainAws } from './explain.js';
import type { LoadBalancersTarget } from './policy.js';

export interface LbArgs {
  service?: string;
  to: 'backup' | 'primary';
  /** Switch to a target group with no healthy target; the command lets only the policy's forceRoles set it. */
  forcedBy?: string;
}

type LbService = LoadBalancersTarget['services'][string];

interface LbPlan {
  service: string;
  to: 'backup' | 'primary';
  fromName: string;
  toName: string;
  /** ModifyTargetGroup before the switch (the backup only), when its interval is not already the policy's. */
  healthCheck?: { interval: number; timeout?: number; was: number };
  healthUrl?: string;
  forcedBy?: string;
}

export function lbTarget(policy: Policy): LoadBalancersTarget {
  const t = policy.targets.loadBalancers;
  if (!t) throw new UserError(`The policy has no load balancers (\`targets.loadBalancers\` in dr-policy.yml), so there is nothing to fail over. See ${TARGETS_README}.`);
  return t;
}

export function chooseService(t: LoadBalancersTarget, name: string | undefined): [string, LbService] {
  const names = Object.keys(t.services);
  if (name === undefined) {
    if (names.length === 1) return [names[0]!, t.services[names[0]!]!];
    throw new UserError(`Name the service to fail over: the policy lists ${names.join(', ')} (\`targets.loadBalancers.services\`).`);
  }
  const s = t.services[name];
  if (!s) throw new UserError(`Unknown service "${escapeMrkdwn(name)}". The policy lists: ${names.join(', ')} (\`targets.loadBalancers.services\`).`);
  return [name, s];
}

/** The three ARNs of a service, each from the variable the policy names; a missing one is named with its policy key. */
export function arns(ctx: Pick<RunbookContext, 'infra'>, name: string, s: LbService): { listener: string; primary: string; backup: string } {
  const get = (env: string, key: string, what: string) => {
    const v = ctx.infra.env(env);
    if (!v) throw missingVariable(env, `targets.loadBalancers.services.${name}.${key}`, what);
    return v;
  };
  return {
    listener: get(s.listenerArnEnv, 'listenerArnEnv', `the ARN of ${name}'s listener`),
    primary: get(s.primaryTargetGroupArnEnv, 'primaryTargetGroupArnEnv', `the ARN of ${name}'s primary target group`),
    backup: get(s.backupTargetGroupArnEnv, 'backupTargetGroupArnEnv', `the ARN of ${name}'s backup target group`),
  };
}

async function read<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    throw new UserError(`${explainAws(err, { doing: `read ${what}` }).message} Nothing was planned.`);
  }
}

export const failoverLb: Runbook<LbArgs, LbPlan> = {
  id: 'failover-lb',
  title: 'Fail over the load balancer',
  destructive: true,
  requestRoles: EDGE_ROLES,
  approveRoles: EDGE_ROLES,
  async plan(ctx, args) {
    const t = lbTarget(ctx.policy);
    const [name, s] = chooseService(t, args.service);
    const a = arns(ctx, name, s);
    const elb = ctx.infra.elbv2(t);
    const listener = await read(`${name}'s listener`, elb.listener(a.listener));
    const toArn = args.to === 'backup' ? a.backup : a.primary;
    const [primary, backup] = await Promise.all([read(`${name}'s primary target group`, elb.targetGroup(a.primary)), read(`${name}'s backup target group`, elb.targetGroup(a.backup))]);
    const [primaryHealth, backupHealth] = await Promise.all([read('target health', elb.health(a.primary)), read('target health', elb.health(a.backup))]);
    const groups: Record<string, [LbTargetGroup, LbTarget[]]> = { [a.primary]: [primary, primaryHealth], [a.backup]: [backup, backupHealth] };
    const [toGroup, toHealth] = groups[toArn]!;
    const fromName = listener.targetGroup ? (groups[listener.targetGroup]?.[0].name ?? listener.targetGroup) : 'nothing';
    if (listener.targetGroup === toArn) throw new UserError(`${escapeMrkdwn(name)}'s listener already forwards to ${escapeMrkdwn(toGroup.name)} (the ${args.to} target group): nothing to switch.`);
    const healthy = toHealth.filter((x) => x.state === 'healthy').length;
    if (healthy === 0 && !args.forcedBy) {
      throw new UserError(`${escapeMrkdwn(toGroup.name)} has no healthy target (${healthText(toHealth) || 'no targets'}): switching to it now sends traffic nowhere. Ask again with \`--force\` (${t.forceRoles.join(' or ')}) if that is what you want.`);
    }
    const interval = t.healthCheckIntervalSeconds;
    const healthCheck = args.to === 'backup' && toGroup.interval !== interval ? { interval, timeout: (toGroup.timeout ?? 5) >= interval ? interval - 1 : undefined, was: toGroup.interval ?? 30 } : undefined;
    const data: LbPlan = { service: name, to: args.to, fromName, toName: toGroup.name, healthCheck, healthUrl: s.healthUrl, forcedBy: healthy === 0 ? args.forcedBy : undefined };
    const warnings: string[] = [];
    if (healthy === 0) warnings.push(`Forced by the requester: ${toGroup.name} has no healthy target now. Traffic may fail until its targets pass their health checks.`);
    else if (healthy < toHealth.length) warnings.push(`Only ${healthText(toHealth)} in ${toGroup.name}.`);
    return {
      target: `lb/${name}`,
      summary: `${healthCheck ? `Set ${toGroup.name}'s health-check interval to ${interval} s, switch` : 'Switch'} ${name}'s listener (${listener.protocol ?? '?'} ${listener.port ?? '?'}) from ${fromName} to ${toGroup.name}, wait until its targets are healthy, then ${s.healthUrl ? `check ${s.healthUrl}` : 'read the listener back'}.`,
      facts: [
        ['Now', `${fromName} — ${listener.targetGroup && groups[listener.targetGroup] ? healthText(groups[listener.targetGroup]![1]) : 'not one of the policy\'s target groups'}`],
        ['After', `${toGroup.name} — ${healthText(toHealth)}`],
        ...(healthCheck ? [['Health checks', `${toGroup.name} every ${healthCheck.was} s → ${interval} s${healthCheck.timeout ? ` (timeout ${toGroup.timeout} s → ${healthCheck.timeout} s: ELB wants it below the interval)` : ''}`] as [string, string]] : []),
      ],
      warnings,
      data,
      fingerprint: { service: name, listener: listener.targetGroup ?? null, to: toArn, anyHealthy: healthy > 0 },
    };
  },
  steps(plan): Step[] {
    const d = plan.data;
    const ctxArns = (ctx: RunbookContext) => {
      const t = lbTarget(ctx.policy);
      const [, s] = chooseService(t, d.service);
      const a = arns(ctx, d.service, s);
      return { t, a, to: d.to === 'backup' ? a.backup : a.primary };
    };
    const left = (what: string) => `Left: ${what}.`;
    const steps: Step[] = [];
    if (d.healthCheck) {
      const hc = d.healthCheck;
      steps.push({
        id: 'health-check',
        title: `Set ${d.toName}'s health-check interval to ${hc.interval} s (ModifyTargetGroup)`,
        async run(ctx) {
          const { t, to } = ctxArns(ctx);
          try {
            await ctx.infra.elbv2(t).setHealthCheck(to, hc.interval, hc.timeout);
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `modify ${d.toName}` }).message} ${left(`the listener still forwards to ${d.fromName}`)}`);
          }
          return `every ${hc.interval} s (was ${hc.was} s)`;
        },
      });
    }
    steps.push(
      {
        id: 'switch',
        title: `Forward ${d.service}'s listener to ${d.toName} (ModifyListener)`,
        async run(ctx) {
          const { t, a, to } = ctxArns(ctx);
          try {
            const l = await ctx.infra.elbv2(t).forwardTo(a.listener, to);
            return `forwards to ${l.targetGroup === to ? d.toName : l.targetGroup}`;
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `modify ${d.service}'s listener` }).message} ${left(`the listener still forwards to ${d.fromName}${d.healthCheck ? `; ${d.toName} is health-checked every ${d.healthCheck.interval} s` : ''}`)}`);
          }
        },
      },
      {
        id: 'wait-healthy',
        title: `Wait until ${d.toName}'s targets are healthy`,
        async run(ctx) {
          const { t, to } = ctxArns(ctx);
          try {
            await ctx.infra.elbv2(t).waitHealthy(to, { timeoutMs: t.healthyTimeout, pollMs: t.pollEvery, onProgress: (s, ms) => ctx.progress(`${s}, ${Math.round(ms / 1000)} s so far`) });
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `check on ${d.toName}'s targets` }).message} ${left(`the listener forwards to ${d.toName}`)}`);
          }
          return 'every target healthy';
        },
      },
      {
        id: 'verify',
        title: d.healthUrl ? `Verify ${d.healthUrl}` : `Verify the listener forwards to ${d.toName}`,
        async run(ctx) {
          const { t, a, to } = ctxArns(ctx);
          const l = await ctx.infra.elbv2(t).listener(a.listener);
          if (l.targetGroup !== to) throw new Error(`the listener forwards to ${l.targetGroup ?? 'nothing'}, not ${d.toName}`);
          if (!d.healthUrl) return `the listener forwards to ${d.toName}`;
          const c = await ctx.infra.http.check(d.healthUrl).catch((err: unknown) => {
            throw new Error(`${d.healthUrl} did not answer (${(err as Error).message}); the listener forwards to ${d.toName}`);
          });
          if (!c.ok) throw new Error(`${d.healthUrl} answered ${c.status}; the listener forwards to ${d.toName}`);
          return `${d.healthUrl} → ${c.status}; the listener forwards to ${d.toName}`;
        },
      },
    );
    return steps;
  },
};
