/**
 * `/dr failover-dns [record] [backup|primary]` (the procedures' `aws route53 change-resource-record-sets
 * --change-batch file://dns-failover.json`): the record set before → after, an UPSERT to the policy's backup
 * (or primary) target, the SDK's ResourceRecordSetsChanged waiter (PENDING → INSYNC) with progress, then the
 * record read back, and optionally what a configured resolver answers.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { AwsCallError } from '../../infra/aws-call.js';
import { fqdn, type DnsRecordSet } from '../../infra/route53.js';
import type { Policy } from '../../policy.js';
import { missingVariable, TARGETS_README } from '../target-hints.js';
import type { Runbook, RunbookContext, Step } from '../types.js';
import { EDGE_ROLES } from './cdn.js';
import { explainAws } from './explain.js';
import type { DnsRecordTarget, DnsTarget } from './policy.js';

export interface DnsArgs {
  record?: string;
  to: 'backup' | 'primary';
}

interface DnsPlan {
  record: string;
  to: 'backup' | 'primary';
  before?: DnsRecordSet;
  after: DnsRecordSet;
}

export function dnsTarget(policy: Policy): DnsTarget {
  const t = policy.targets.dns;
  if (!t) throw new UserError(`The policy has no DNS target (\`targets.dns\` in dr-policy.yml), so there is no record to fail over. See ${TARGETS_README}.`);
  return t;
}

/** The record asked for, or the policy's only one; a name the policy does not list is refused. */
export function chooseRecord(t: DnsTarget, key: string | undefined): [string, DnsRecordTarget] {
  const names = Object.keys(t.records);
  if (key === undefined) {
    if (names.length === 1) return [names[0]!, t.records[names[0]!]!];
    throw new UserError(`Name the record to fail over: the policy lists ${names.join(', ')} (\`targets.dns.records\`).`);
  }
  const r = t.records[key];
  if (!r) throw new UserError(`Unknown record "${escapeMrkdwn(key)}". The policy lists: ${names.join(', ')} (\`targets.dns.records\`).`);
  return [key, r];
}

export function zoneId(ctx: Pick<RunbookContext, 'infra'>, t: DnsTarget): string {
  const id = ctx.infra.env(t.hostedZoneIdEnv);
  if (!id) throw missingVariable(t.hostedZoneIdEnv, 'targets.dns.hostedZoneIdEnv', 'the Route 53 hosted zone id');
  return id;
}

/** The set to write: the policy's target, with a routing set's identifier, failover role and health check as Route 53 has them. */
const wanted = (r: DnsRecordTarget, to: 'backup' | 'primary', now: DnsRecordSet | undefined): DnsRecordSet => {
  const side = r[to];
  const routing = r.setIdentifier ? { setIdentifier: r.setIdentifier, failover: now?.failover, healthCheckId: now?.healthCheckId } : {};
  return { name: fqdn(r.name), type: r.type, ...routing, ...(side.alias ? { values: [], alias: side.alias } : { ttl: r.ttl, values: side.values! }) };
};

/** `A 203.0.113.10 (TTL 60 s)` or `alias → dualstack.lb-backup.elb.amazonaws.com.`, with a routing set's role. */
export const describeSet = (s: DnsRecordSet | undefined): string => {
  if (!s) return 'no such record';
  const base = s.alias ? `${s.type} alias → ${s.alias.dnsName}` : `${s.type} ${s.values.join(', ')} (TTL ${s.ttl} s)`;
  return s.setIdentifier ? `${base} [set ${s.setIdentifier}${s.failover ? `, failover ${s.failover}` : ''}${s.healthCheckId ? `, health check ${s.healthCheckId}` : ''}]` : base;
};

const same = (a: DnsRecordSet | undefined, b: DnsRecordSet): boolean =>
  Boolean(a) && (a!.alias ? Boolean(b.alias) && fqdn(a!.alias.dnsName) === fqdn(b.alias!.dnsName) : !b.alias && [...a!.values].sort().join() === [...b.values].sort().join() && a!.ttl === b.ttl);

export const failoverDns: Runbook<DnsArgs, DnsPlan> = {
  id: 'failover-dns',
  title: 'Fail over DNS',
  destructive: true,
  requestRoles: EDGE_ROLES,
  approveRoles: EDGE_ROLES,
  async plan(ctx, args) {
    const t = dnsTarget(ctx.policy);
    const [key, rec] = chooseRecord(t, args.record);
    const zone = zoneId(ctx, t);
    let before: DnsRecordSet | undefined;
    try {
      before = await ctx.infra.route53(t).record(zone, rec.name, rec.type, undefined, rec.setIdentifier);
    } catch (err) {
      if (!(err instanceof AwsCallError)) throw err;
      throw new UserError(`${explainAws(err, { doing: `read ${rec.name} ${rec.type}`, policyKey: 'targets.dns.hostedZoneIdEnv' }).message} Nothing was planned.`);
    }
    if (rec.setIdentifier && !before) {
      throw new UserError(`Route 53 has no ${escapeMrkdwn(rec.name)} ${rec.type} set "${escapeMrkdwn(rec.setIdentifier)}" (\`targets.dns.records.${escapeMrkdwn(key)}.setIdentifier\`): a routing set is only changed, never created, by the bot.`);
    }
    const after = wanted(rec, args.to, before);
    if (same(before, after)) throw new UserError(`${escapeMrkdwn(rec.name)} ${rec.type} already points at the ${args.to} target (${escapeMrkdwn(describeSet(before))}): nothing to change.`);
    const cached = before?.ttl;
    const data: DnsPlan = { record: key, to: args.to, before, after };
    return {
      target: `dns/${fqdn(rec.name)}${rec.type}`,
      summary: `UPSERT ${fqdn(rec.name)} ${rec.type} to the ${args.to} target in hosted zone ${zone} (ChangeResourceRecordSets), wait until Route 53 reports the change INSYNC, then read it back${t.resolver ? ` and ask ${t.resolver}` : ''}.`,
      facts: [
        ['Before', describeSet(before)],
        ['After', describeSet(after)],
        ['Caches', cached !== undefined ? `clients may keep the old answer for up to ${cached} s (its TTL)` : before?.alias ? "clients may keep the old answer for up to the alias target's TTL" : 'a new record: nothing cached'],
      ],
      warnings: before ? [] : [`${rec.name} ${rec.type} does not exist in the zone now: the UPSERT creates it.`],
      data,
      fingerprint: { zone, record: `${fqdn(rec.name)} ${rec.type}`, before: describeSet(before), after: describeSet(after) },
    };
  },
  steps(plan): Step[] {
    const d = plan.data;
    const name = `${d.after.name} ${d.after.type}`;
    return [
      {
        id: 'change',
        title: `UPSERT ${name} → ${describeSet(d.after)} (ChangeResourceRecordSets)`,
        async run(ctx) {
          const t = dnsTarget(ctx.policy);
          try {
            const c = await ctx.infra.route53(t).upsert(zoneId(ctx, t), d.after, `dr-bot action #${ctx.action.id}: ${d.to}`);
            ctx.state.change = c.id;
            return `change ${c.id}, ${c.status}`;
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `change ${name}`, policyKey: 'targets.dns.hostedZoneIdEnv' }).message} Left: ${describeSet(d.before)}.`);
          }
        },
      },
      {
        id: 'wait-insync',
        title: 'Wait until Route 53 reports the change INSYNC',
        async run(ctx) {
          const t = dnsTarget(ctx.policy);
          const id = String(ctx.state.change);
          try {
            await ctx.infra.route53(t).waitInsync(id, { timeoutMs: t.timeout, pollMs: t.pollEvery, onProgress: (s, ms) => ctx.progress(`${s}, ${Math.round(ms / 1000)} s so far`) });
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `check on change ${id}` }).message} Left: the change was accepted; Route 53 keeps applying it.`);
          }
          return 'INSYNC on all Route 53 name servers';
        },
      },
      {
        id: 'verify',
        title: `Verify ${name}`,
        async run(ctx) {
          const t = dnsTarget(ctx.policy);
          const r53 = ctx.infra.route53(t);
          const now = await r53.record(zoneId(ctx, t), d.after.name, d.after.type, undefined, d.after.setIdentifier);
          if (!same(now, d.after)) throw new Error(`Route 53 now has ${describeSet(now)}, not ${describeSet(d.after)}`);
          if (!t.resolver) return `Route 53 has ${describeSet(now)}`;
          const answer = await r53.resolve(t.resolver, d.after.name, d.after.type).catch((err: unknown) => {
            throw new Error(`Route 53 has ${describeSet(now)}, but the resolver ${t.resolver} did not answer (${(err as Error).message})`);
          });
          const fresh = d.after.alias || answer.map((x) => fqdn(x)).sort().join() === d.after.values.map((x) => fqdn(x)).sort().join();
          return `Route 53 has ${describeSet(now)}; ${t.resolver} answers ${answer.join(', ') || 'nothing'}${fresh ? '' : ` (still the cached answer, for up to ${d.before?.ttl ?? 0} s)`}`;
        },
      },
    ];
  },
};
