/**
 * Opt-in look at the bot process's V8 heap (BENCH_REMINDERS_HEAP=1): a preload, passed as
 * `NODE_OPTIONS=--expose-gc --import <file>`, that prints process.memoryUsage() every second and, every
 * 5 s, the heap still used after a forced full GC — the live set. A flat live set under a growing RSS
 * means garbage V8 has not collected yet (heap headroom), not a leak. The forced GCs lower the RSS figure
 * a little, so the figures of such a run are for diagnosis, not for comparison.
 *
 * The preload must be plain JavaScript: NODE_OPTIONS imports run before the bot's own modules.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const TAG = 'BENCH-HEAP';

const SOURCE = `
const mb = (x) => Math.round(x / 1048576);
const t0 = Date.now();
const out = (o) => process.stderr.write('${TAG} ' + JSON.stringify({ s: Math.round((Date.now() - t0) / 100) / 10, ...o }) + '\\n');
setInterval(() => {
  const m = process.memoryUsage();
  out({ rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external) });
}, 1000).unref();
if (globalThis.gc) setInterval(() => { globalThis.gc(); out({ liveHeapAfterFullGc: mb(process.memoryUsage().heapUsed) }); }, 5000).unref();
`;

/** Writes the preload into `dir` and answers the NODE_OPTIONS that load it. */
export function heapProbeOptions(dir: string): string {
  const file = path.join(dir, 'heap-probe.mjs');
  writeFileSync(file, SOURCE);
  return `--expose-gc --import ${file}`;
}

/** The probe's lines from the bot's output. */
export function heapProbeSeries(output: string): Array<Record<string, number>> {
  return output
    .split('\n')
    .filter((l) => l.startsWith(`${TAG} `))
    .map((l) => JSON.parse(l.slice(TAG.length + 1)) as Record<string, number>);
}
