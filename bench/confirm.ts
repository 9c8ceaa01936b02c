/**
 * What binding an approval to its plan costs on Confirm: the click → the first step starts, with the
 * read-only preflight re-run and its fingerprint compared first, through the real bot over signed HTTP
 * against local targets (real Redis for /dr flush-cache, the Kubernetes peer for /dr scale).
 * - confirm_to_first_step_p50_ms / _p99_ms: over CONFIRM_RUNS (default 40) confirms, half of each kind (goal p99 < 1000).
 * Runs alone with `tsx bench/confirm.ts`.
 */
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { drPolicy } from '../test/helpers/dr-policy.js';
import { eventually } from '../test/helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness } from '../test/helpers/harness.js';
import { K8sPeer } from '../test/peers/k8s.js';
import { printFigures, type Figures } from './report.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

export async function runConfirmBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const runs = Math.max(2, Number(process.env.CONFIRM_RUNS ?? 40));
  const k8s = new K8sPeer();
  await k8s.start();
  k8s.rolloutMs = 20;
  k8s.add('production', 'api-gateway', { replicas: 3 });
  const redis = new Redis('redis://127.0.0.1:6379/10');
  const h = await startHarness({
    policy: drPolicy({
      targets: {
        redis: { urlEnv: 'PLATFORM_REDIS_URL', db: 10 },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', rolloutTimeout: '20s', deployments: { 'api-gateway': { maxReplicas: 20 } } },
      },
    }),
    env: { PLATFORM_REDIS_URL: 'redis://127.0.0.1:6379', KUBE_SERVER: k8s.url },
  });
  const samples: Record<string, number[]> = { 'flush-cache': [], scale: [] };
  try {
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Confirm latency bench');
    await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs, 15_000);
    for (let i = 0; i < runs; i++) {
      const kind = i % 2 === 0 ? 'flush-cache' : 'scale';
      if (kind === 'flush-cache') await redis.mset({ a: '1', b: '2' });
      await h.run(PEOPLE.alice, '/dr', kind === 'flush-cache' ? 'flush-cache 10' : `scale api-gateway ${4 + (i % 6)}`);
      const id = await eventually(async () => (await h.bot.store.db.query<{ id: number }>(`SELECT max(id) AS id FROM actions WHERE kind = $1 AND status = 'proposed'`, [kind])).rows[0]?.id ?? undefined, 15_000);
      await h.emulator.waitFor(() => h.emulator.allMessages().find((m) => m.text.startsWith(`Action #${id}`)), 15_000);
      const t0 = Date.now();
      await h.emulator.clickButton({ user: PEOPLE.ivan, actionId: 'dr_action_confirm', value: String(id), channel: CHANNELS.incidents });
      const a = await eventually(async () => {
        const x = await h.bot.actions.mustGet(id);
        return x.status === 'succeeded' || x.status === 'failed' ? x : undefined;
      }, 30_000);
      if (a.status !== 'succeeded') throw new Error(`action #${id} ${a.status}: ${a.error}`);
      samples[kind]!.push(new Date(a.steps[0]!.startedAt!).getTime() - t0);
    }
  } finally {
    await h.stop();
    await k8s.close();
    await redis.flushdb();
    await redis.quit();
  }
  const all = [...samples['flush-cache']!, ...samples.scale!];
  return {
    figures: { confirm_to_first_step_p50_ms: pct(all, 50), confirm_to_first_step_p99_ms: pct(all, 99) },
    details: { runs, flushCacheMs: samples['flush-cache'], scaleMs: samples.scale },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runConfirmBench();
  printFigures(r.figures);
  console.error(JSON.stringify(r.details));
}
