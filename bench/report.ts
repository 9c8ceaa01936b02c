/** Prints the figures as `name: value` lines and writes them, with what machine made them, to results.json. */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { checkGoals } from './goals.js';

export type Figures = Record<string, number>;

/** Taken when this module loads, at the start of the run: how busy the machine was before we added to it. */
const loadavgAtStart = os.loadavg();

function format(name: string, v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (name.endsWith('_ratio')) return v.toFixed(2);
  if (name.includes('_cpu_ms_')) return v.toFixed(2);
  if (Number.isInteger(v) && !name.endsWith('_ms') && !name.endsWith('_per_s')) return String(v);
  return v.toFixed(1);
}

/** On stderr: a busy machine (other tests, a browser) moves the p99s far more than any code change. */
export function warnIfBusy(): void {
  const cores = os.cpus().length;
  const [oneMinute = 0] = loadavgAtStart;
  if (oneMinute > cores / 2) console.error(`note: load average ${oneMinute.toFixed(2)} on ${cores} cores at the start; the p99 figures will be noisy`);
}

export function printFigures(figures: Figures): void {
  for (const [name, v] of Object.entries(figures)) console.log(`${name}: ${format(name, v)}`);
}

/** After the figures, as `#` lines (a `name: value` reader skips them): each goal and whether it was met. */
export function printGoals(figures: Figures): void {
  const goals = Object.entries(checkGoals(figures));
  if (goals.length === 0) return;
  console.log('# goals');
  for (const [name, g] of goals) console.log(`# ${name} ${g.goal}: ${format(name, g.value)} — ${g.met ? 'met' : 'NOT met'}`);
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    /** Other work on the machine skews the figures: 1/5/15-minute load averages at the start and the end. */
    loadavgAtStart: loadavgAtStart.map((x) => Math.round(x * 100) / 100),
    loadavgAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

export function writeResults(file: URL, figures: Figures, details: Record<string, unknown>): void {
  const rounded = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number.isFinite(v) ? Number(format(k, v)) : null]));
  // Details keep three decimals: the timer noise below that is not information.
  const trim = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);
  writeFileSync(file, `${JSON.stringify({ figures: rounded, goals: checkGoals(figures), machine: machine(), details }, trim, 2)}\n`);
}
