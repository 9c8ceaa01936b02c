/**
 * What `/dr health` and the post-recovery checklist read of the edge targets: each load balancer's listener
 * and its target group's health, each DNS record (and what the resolver answers), the distribution's status
 * and origin. A check answers a line when all is well and throws the line when it is not.
 */
import { healthText } from '../../infra/elbv2.js';
import type { Infra } from '../../infra/index.js';
import { fqdn } from '../../infra/route53.js';
import type { Policy } from '../../policy.js';
import { describeSet } from './failover-dns.js';

export type EdgeKind = 'load_balancers' | 'dns' | 'cdn';

export interface EdgeCheck {
  kind: EdgeKind;
  name: string;
  run: () => Promise<string>;
}

const unset = (env: string): never => {
  throw new Error(`${env} is not set on the bot`);
};

export function edgeChecks(policy: Policy, infra: Infra, timeoutMs: number): EdgeCheck[] {
  const t = policy.targets;
  const out: EdgeCheck[] = [];
  const lbs = t.loadBalancers;
  if (lbs) {
    for (const [name, s] of Object.entries(lbs.services)) {
      out.push({
        kind: 'load_balancers',
        name: `Load balancer ${name}`,
        run: async () => {
          const elb = infra.elbv2(lbs);
          const listener = infra.env(s.listenerArnEnv) ?? unset(s.listenerArnEnv);
          const l = await elb.listener(listener, timeoutMs);
          if (!l.targetGroup) throw new Error('the listener forwards to no target group');
          const side = l.targetGroup === infra.env(s.primaryTargetGroupArnEnv) ? 'primary' : l.targetGroup === infra.env(s.backupTargetGroupArnEnv) ? 'backup' : 'another';
          const [g, health] = await Promise.all([elb.targetGroup(l.targetGroup, timeoutMs), elb.health(l.targetGroup, timeoutMs)]);
          const text = `forwards to ${g.name} (${side}) · ${healthText(health)}`;
          if (!health.some((x) => x.state === 'healthy')) throw new Error(text);
          return text;
        },
      });
    }
  }
  const dns = t.dns;
  if (dns) {
    for (const [name, r] of Object.entries(dns.records)) {
      out.push({
        kind: 'dns',
        name: `DNS ${name}`,
        run: async () => {
          const r53 = infra.route53(dns);
          const zone = infra.env(dns.hostedZoneIdEnv) ?? unset(dns.hostedZoneIdEnv);
          const now = await r53.record(zone, r.name, r.type, timeoutMs, r.setIdentifier);
          if (!now) throw new Error(`${fqdn(r.name)} ${r.type}: no such record`);
          const values = (x: { values?: string[]; alias?: { dnsName: string } }) => (x.alias ? [fqdn(x.alias.dnsName)] : (x.values ?? []).map(fqdn)).sort().join();
          const mine = values(now.alias ? { alias: now.alias } : { values: now.values });
          const side = mine === values(r.primary) ? 'primary' : mine === values(r.backup) ? 'backup' : 'neither primary nor backup';
          let text = `${describeSet(now)} (${side})`;
          if (dns.resolver) {
            const answer = await r53.resolve(dns.resolver, r.name, r.type, timeoutMs).catch((err: unknown) => {
              throw new Error(`${text} · ${dns.resolver} did not answer (${(err as Error).message})`);
            });
            text += ` · ${dns.resolver} answers ${answer.join(', ') || 'nothing'}`;
          }
          return text;
        },
      });
    }
  }
  const cdn = t.cdn;
  if (cdn) {
    out.push({
      kind: 'cdn',
      name: 'CDN distribution',
      run: async () => {
        const id = infra.env(cdn.distributionIdEnv) ?? unset(cdn.distributionIdEnv);
        const d = await infra.cloudfront(cdn).distribution(id, timeoutMs);
        const from = cdn.originGroup ? (d.routing.groups.find((g) => g.id === cdn.originGroup)?.members[0] ?? '?') : d.routing.target;
        const side = from === cdn.primaryOrigin ? 'primary' : from === cdn.backupOrigin ? 'backup' : 'another origin';
        const text = `${id} ${d.status} · serving from ${from} (${side})${d.routing.enabled ? '' : ' · DISABLED'}`;
        if (d.status !== 'Deployed' || !d.routing.enabled) throw new Error(text);
        return text;
      },
    });
  }
  return out;
}

/** A checklist probe over one kind of edge target: ticked when every check of that kind passes. */
export async function edgeProbe(checks: EdgeCheck[], kind: EdgeKind): Promise<{ ok: boolean; evidence: string }> {
  const mine = checks.filter((c) => c.kind === kind);
  if (mine.length === 0) return { ok: false, evidence: `no ${kind.replace('_', ' ')} target in the policy` };
  const seen = await Promise.all(mine.map((c) => c.run().then((text) => ({ ok: true, text: `${c.name}: ${text}` }), (err: unknown) => ({ ok: false, text: `${c.name}: ${(err as Error).message}` }))));
  return { ok: seen.every((s) => s.ok), evidence: seen.map((s) => s.text).join('; ') };
}
