/**
 * Opt-in CPU profile of the app's thread during one phase (BENCH_PROFILE=1), to see which part of a
 * declare costs the time. Writes a .cpuprofile (open it in Chrome DevTools) to the temp directory and
 * prints where the busy time went, by package, on stderr so the figures on stdout stay parseable.
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';

type Profile = Profiler.Profile;

export async function maybeProfile<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_PROFILE) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = path.join(os.tmpdir(), `drbot-bench-${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.error(`cpu profile of ${name}: ${file}\n${busyByPackage(profile)}`);
  }
}

/** Self time of the busy (non-idle) samples, grouped by npm package, project file or native. */
function busyByPackage(p: Profile): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  (p.samples ?? []).forEach((id, i) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const group = pkg ?? (url.startsWith('file://') ? path.relative(process.cwd(), new URL(url).pathname) : url || functionName);
    const dt = p.timeDeltas?.[i] ?? 0;
    busy += dt;
    self.set(group, (self.get(group) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([g, t]) => `  ${((t / busy) * 100).toFixed(1).padStart(5)}%  ${g}`)
    .join('\n');
}
