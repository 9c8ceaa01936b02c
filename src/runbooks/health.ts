/**
 * `/dr health` (the procedures' "Initial Assessment"): every check at once, each under its own time limit,
 * so the card is ready in about one limit however many targets are down.
 */
import { redactUrls } from '../core/redact.js';
import type { Infra } from '../infra/index.js';
import type { Policy } from '../policy.js';
import type { HealthResult } from '../slack/blocks/health-card.js';
import { bytes } from './failover-db/common.js';
import { edgeChecks } from './edge/status.js';
import { rdsDefaults } from './policy-schema.js';

/** The whole card within 6 s: a policy asking for longer per check is held to this. */
export const MAX_CHECK_MS = 5_000;

interface Check {
  name: string;
  run: () => Promise<string>;
}

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${(ms / 1000).toFixed(1)} s`);
    this.name = 'CheckTimeout';
  }
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(ms)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const missing = (env: string) => Promise.reject(new Error(`${env} is not set on the bot`));

function checks(policy: Policy, infra: Infra, timeoutMs: number): Check[] {
  const t = policy.targets;
  const out: Check[] = [];
  const db = t.database;
  if (db?.connectionEnv) {
    const env = db.connectionEnv;
    out.push({
      name: 'Platform database',
      run: async () => {
        const url = infra.env(env);
        if (!url) return missing(env);
        const s = await infra.postgres.status(url, timeoutMs);
        return s.inRecovery
          ? `SELECT 1 ok · in recovery (a standby!) · ${s.receiver ?? 'not streaming'} · lag ${bytes(s.lagBytes)}`
          : `SELECT 1 ok · primary · ${s.standbys} standby(s)${s.standbyLagBytes !== null ? ` · replication lag ${bytes(s.standbyLagBytes)}` : ''}`;
      },
    });
  }
  if (db?.provider === 'postgres') {
    for (const r of db.replicas) {
      out.push({
        name: `Replica ${r.name}`,
        run: async () => {
          const url = infra.env(r.connectionEnv);
          if (!url) return missing(r.connectionEnv!);
          const s = await infra.postgres.status(url, timeoutMs);
          return s.inRecovery ? `in recovery · ${s.receiver ?? 'not streaming'} · lag ${bytes(s.lagBytes)}` : 'NOT in recovery (promoted?)';
        },
      });
    }
  }
  if (t.redis) {
    const env = t.redis.urlEnv;
    out.push({
      name: 'Redis',
      run: async () => {
        const url = infra.env(env);
        if (!url) return missing(env);
        return `PING → ${await infra.redis.ping(url, timeoutMs)}`;
      },
    });
  }
  for (const h of t.health) {
    out.push({
      name: h.name,
      run: async () => {
        const url = h.url ?? infra.env(h.urlEnv);
        if (!url) return missing(h.urlEnv!);
        const r = await infra.http.check(url, timeoutMs);
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        return `HTTP ${r.status}`;
      },
    });
  }
  if (t.kubernetes) {
    const k = t.kubernetes;
    for (const name of Object.keys(k.deployments)) {
      out.push({
        name: `Deployment ${k.namespace}/${name}`,
        run: async () => {
          const s = await infra.kubernetes(k).get(k.namespace, name);
          const text = `${s.ready}/${s.desired} ready${s.updated < s.desired ? ` · ${s.updated} updated` : ''}`;
          if (s.ready < s.desired || s.desired === 0) throw new Error(text);
          return text;
        },
      });
    }
  }
  if (db?.provider === 'rds') {
    for (const id of [db.primary, ...db.replicas.map((r) => r.name)]) {
      out.push({
        name: `RDS ${id}`,
        run: async () => {
          const inst = await infra.rds(t.rds ?? rdsDefaults).describe(id, timeoutMs);
          if (!inst) throw new Error('no such instance');
          const text = `${inst.status}${inst.replicaOf ? ` · replica of ${inst.replicaOf}` : ' · primary'}`;
          if (inst.status !== 'available') throw new Error(text);
          return text;
        },
      });
    }
  }
  // Load balancers, DNS records and the CDN, where the policy configures them.
  out.push(...edgeChecks(policy, infra, timeoutMs));
  return out;
}

export async function runHealth(policy: Policy, infra: Infra): Promise<{ results: HealthResult[]; totalMs: number }> {
  const timeoutMs = Math.min(policy.targets.healthTimeout, MAX_CHECK_MS);
  const started = performance.now();
  const results = await Promise.all(
    checks(policy, infra, timeoutMs).map(async (c): Promise<HealthResult> => {
      const t0 = performance.now();
      try {
        const detail = await within(c.run(), timeoutMs);
        return { name: c.name, ok: true, ms: Math.round(performance.now() - t0), detail: redactUrls(detail) };
      } catch (err) {
        return { name: c.name, ok: false, ms: Math.round(performance.now() - t0), error: redactUrls((err as Error)?.message || String(err)) };
      }
    }),
  );
  return { results, totalMs: Math.round(performance.now() - started) };
}
