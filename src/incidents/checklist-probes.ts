import type { Infra } from '../infra/index.js';
import type { Policy } from '../policy.js';
import { edgeChecks, edgeProbe } from '../runbooks/edge/status.js';
import type { ChecklistProbe } from './checklist.js';
import type { AlertState } from '../store/alert-proposals.js';

/** The alert state of the group an incident was declared from, if any (src/store/alert-proposals.ts). */
export type AlertStateOf = (incidentId: number) => Promise<{ alerts: Record<string, AlertState> } | undefined>;

const TIMEOUT_MS = 4_000;
const MAX_LAG_MS = 1_000; // "Database replication lag < 1 second"
const MIN_HIT_RATE = 0.9; // "Cache hit rates > 90%"

/**
 * The checklist items the bot can verify itself, through the same adapters `/dr health` uses. Each answers
 * what it saw, so a ticked item carries its evidence and an unticked one says why.
 */
export function checklistProbe(policy: Policy, infra: Infra, alerts?: AlertStateOf): ChecklistProbe {
  const t = policy.targets;
  return async (kind, incidentId) => {
    switch (kind) {
      case 'alerts': {
        // "Error rates < 0.1%": the incident's Alertmanager group (if it came from one) has resolved.
        const g = await alerts?.(incidentId);
        // Not declared from Alertmanager: nothing to read, which is no failure — people tick it.
        if (!g) return { ok: false, nothingToRead: true, evidence: 'no Alertmanager alert group behind this incident' };
        const firing = Object.values(g.alerts).filter((a) => a.status === 'firing');
        if (firing.length === 0) return { ok: true, evidence: `Alertmanager: all ${Object.keys(g.alerts).length} alerts of the group resolved` };
        return { ok: false, evidence: `Alertmanager: ${firing.length} still firing (${[...new Set(firing.map((a) => a.name))].slice(0, 3).join(', ')})` };
      }
      case 'replication_lag': {
        const replicas = (t.database?.provider === 'postgres' ? t.database.replicas : []).filter((r) => r.connectionEnv && infra.env(r.connectionEnv));
        if (replicas.length === 0) return { ok: false, evidence: 'no replica connection configured to measure' };
        const seen = await Promise.all(
          replicas.map(async (r) => {
            const s = await infra.postgres.status(infra.env(r.connectionEnv)!, TIMEOUT_MS);
            const lag = s.inRecovery ? (s.replayDelayMs ?? 0) : Number.POSITIVE_INFINITY;
            return { name: r.name, lag, inRecovery: s.inRecovery };
          }),
        );
        const ok = seen.every((s) => s.inRecovery && s.lag < MAX_LAG_MS);
        return { ok, evidence: seen.map((s) => (s.inRecovery ? `${s.name} ${(s.lag / 1000).toFixed(1)} s` : `${s.name} is not replicating`)).join(', ') };
      }
      case 'health_urls': {
        if (t.health.length === 0) return { ok: false, evidence: 'no health URLs in the policy' };
        const results = await Promise.all(
          t.health.map(async (h) => {
            const url = h.url ?? infra.env(h.urlEnv);
            if (!url) return { name: h.name, ok: false, said: `${h.urlEnv} not set` };
            try {
              const r = await infra.http.check(url, TIMEOUT_MS);
              return { name: h.name, ok: r.ok, said: String(r.status) };
            } catch (err) {
              return { name: h.name, ok: false, said: (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
            }
          }),
        );
        const good = results.filter((r) => r.ok).length;
        return { ok: good === results.length, evidence: `${good}/${results.length} healthy${good < results.length ? ` (${results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.said}`).join(', ')})` : ''}` };
      }
      case 'redis': {
        const url = infra.env(t.redis?.urlEnv);
        if (!url) return { ok: false, evidence: 'no Redis configured' };
        const { hits, misses } = await infra.redis.hitRate(url, TIMEOUT_MS);
        if (hits + misses === 0) return { ok: false, evidence: 'no cache traffic yet to measure' };
        const rate = hits / (hits + misses);
        return { ok: rate > MIN_HIT_RATE, evidence: `hit rate ${(rate * 100).toFixed(1)}%` };
      }
      case 'kubernetes': {
        const k = t.kubernetes;
        if (!k) return { ok: false, evidence: 'no Kubernetes target' };
        const names = Object.keys(k.deployments ?? {});
        const states = await Promise.all(names.map((n) => infra.kubernetes(k).get(k.namespace, n)));
        const ready = states.filter((s) => s.ready >= s.desired).length;
        return { ok: ready === names.length, evidence: `${ready}/${names.length} deployments ready` };
      }
      case 'load_balancers':
      case 'dns':
      case 'cdn':
        return edgeProbe(edgeChecks(policy, infra, TIMEOUT_MS), kind);
      default:
        return { ok: false, evidence: `unknown probe "${kind}"` };
    }
  };
}
