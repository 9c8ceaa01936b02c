/**
 * Looking at a bot running as a separate OS process: its memory and CPU from /proc (Linux), and its
 * Prometheus histograms from GET /metrics.
 */
import { readdirSync, readFileSync } from 'node:fs';

const USER_HZ = 100;

export interface ProcSample {
  /** Resident set now, MiB. */
  rssMb: number;
  /** Peak resident set since the process started (VmHWM), MiB. */
  hwmMb: number;
  /** User + system CPU time so far, ms (10 ms resolution). */
  cpuMs: number;
}

export function procSample(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ };
  } catch {
    return undefined; // the process is gone
  }
}

/** Samples a process every `everyMs` until stopped; keeps the highest RSS seen and the last sample. */
export function watchProcess(pid: number, everyMs = 100) {
  let maxRssMb = 0;
  let last: ProcSample | undefined;
  const series: Array<{ t: number; rssMb: number }> = [];
  const take = () => {
    const s = procSample(pid);
    if (!s) return;
    last = s;
    maxRssMb = Math.max(maxRssMb, s.rssMb);
    series.push({ t: Date.now(), rssMb: s.rssMb });
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref(); // never what keeps the bench process alive
  return {
    sample: () => (take(), last),
    stop() {
      take();
      clearInterval(timer);
      return { maxRssMb, hwmMb: last?.hwmMb ?? NaN, last, series };
    },
  };
}

/** One Prometheus histogram (one label set): cumulative bucket counts by upper bound, sum and count. */
export interface Histogram {
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

/** Reads `name` from a Prometheus text exposition; `labels` picks a series (e.g. `kind="reminder"`). */
export function parseHistogram(text: string, name: string, labels = ''): Histogram {
  const h: Histogram = { buckets: [], sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, metric, lbl = '', value] = m;
    if (labels && !lbl.includes(labels)) continue;
    if (metric === `${name}_bucket`) {
      const le = /le="([^"]+)"/.exec(lbl)![1]!;
      h.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: Number(value) });
    } else if (metric === `${name}_sum`) h.sum = Number(value);
    else if (metric === `${name}_count`) h.count = Number(value);
  }
  h.buckets.sort((a, b) => a.le - b.le);
  return h;
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(after: Histogram, before: Histogram): Histogram {
  return {
    buckets: after.buckets.map((b, i) => ({ le: b.le, count: b.count - (before.buckets[i]?.count ?? 0) })),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/**
 * Quantile estimated like PromQL's histogram_quantile: linear within the bucket that holds it. Beyond the
 * last finite bound it answers that bound (the true value is only known to be larger).
 */
export function histogramQuantile(h: Histogram, q: number): number {
  if (h.count === 0) return NaN;
  const rank = q * h.count;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

export async function scrape(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  return r.text();
}

/** Whole-machine CPU from /proc/stat over all cores, in ms: busy, total, and the parts no process is billed for. */
export function machineCpuMs(): { busy: number; total: number; irq: number; steal: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const ms = (j: number) => (j * 1000) / USER_HZ;
    return { busy: ms(user + nice + system + irq + softirq + steal), total: ms(user + nice + system + idle + iowait + irq + softirq + steal), irq: ms(irq + softirq), steal: ms(steal) };
  } catch {
    return { busy: NaN, total: NaN, irq: NaN, steal: NaN };
  }
}

/** CPU time of the PostgreSQL server's processes right now (those that live through a run: the bot's pool). */
export function postgresCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const d of pids) {
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'postgres') continue;
      const s = procSample(Number(d));
      if (s) out.set(Number(d), s.cpuMs);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Who used the machine's CPU between two points: the bot, its PostgreSQL backends (`pgPids`, read at the
 * end: the pool opens connections while it works), this bench process (the emulator worker, mostly) and
 * everything else — other work on the machine makes the figures noisy, and this says how much there was.
 */
export function cpuAccount(botPid: number) {
  const take = () => ({ machine: machineCpuMs(), bot: procSample(botPid)?.cpuMs ?? NaN, pg: postgresCpuMs(), bench: procSample(process.pid)?.cpuMs ?? NaN, at: Date.now() });
  const start = take();
  return (pgPids: number[]) => {
    const end = take();
    let pg = 0;
    let pgOther = 0;
    for (const [pid, ms] of end.pg) {
      if (pgPids.includes(pid)) pg += ms - (start.pg.get(pid) ?? 0);
      else if (start.pg.has(pid)) pgOther += ms - start.pg.get(pid)!;
    }
    const busy = end.machine.busy - start.machine.busy;
    const bot = end.bot - start.bot;
    const bench = end.bench - start.bench;
    const irq = end.machine.irq - start.machine.irq;
    const steal = end.machine.steal - start.machine.steal;
    return {
      wallMs: end.at - start.at,
      /** 0..1 of all cores. */
      machineBusy: busy / (end.machine.total - start.machine.total),
      cpuMs: {
        bot,
        /** The bot's own backends. */
        postgres: pg,
        /** The server's other processes (WAL writer, checkpointer, autovacuum, other databases' backends). */
        postgresOther: pgOther,
        benchAndEmulator: bench,
        /** Interrupts and softirqs (loopback networking mostly), billed to no process. */
        irq,
        /** Taken by the hypervisor. */
        steal,
        other: busy - bot - pg - pgOther - bench - irq - steal,
      },
    };
  };
}

/**
 * Our own child processes running `entry` (by parent pid, read from /proc). startBotProcess keeps no handle
 * when the bot never becomes healthy; this finds that child so it can be killed by its pid.
 */
export function ownChildren(entry: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1];
      if (Number(ppid) !== process.pid) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(entry)) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
