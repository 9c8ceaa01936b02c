import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one bot process; each replica is scraped on its own `/metrics`. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    commands: new Counter({ name: 'drbot_commands_total', help: 'Slash commands by command and outcome', labelNames: ['command', 'outcome'], registers: [registry] }),
    incidentsDeclared: new Counter({ name: 'drbot_incidents_declared_total', help: 'Incidents declared, by level', labelNames: ['level', 'drill'], registers: [registry] }),
    schedulerClaimSeconds: new Histogram({ name: 'drbot_scheduler_claim_seconds', help: 'Time of one claim of due jobs', buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1], registers: [registry] }),
    jobLatenessSeconds: new Histogram({ name: 'drbot_job_lateness_seconds', help: 'How late a due job started, by kind', labelNames: ['kind'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], registers: [registry] }),
    jobsDeadLettered: new Counter({ name: 'drbot_jobs_dead_lettered_total', help: 'Jobs given up after their maximum attempts (or with an unreadable payload), by kind', labelNames: ['kind'], registers: [registry] }),
    errors: new Counter({ name: 'drbot_errors_total', help: 'Errors that reached the error handler, by kind', labelNames: ['kind'], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Read at scrape time from PostgreSQL, so every replica reports the same, true number. */
export function incidentsOpenGauge(registry: Registry, read: () => Promise<Array<{ level: number; drill: boolean; n: number }>>): void {
  new Gauge({
    name: 'drbot_incidents_open',
    help: 'Open incidents by level (drills labelled)',
    labelNames: ['level', 'drill'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const l of [1, 2, 3, 4]) this.set({ level: `L${l}`, drill: 'false' }, 0);
      for (const r of await read()) this.set({ level: `L${r.level}`, drill: String(r.drill) }, r.n);
    },
  });
}

/** Actions by outcome, pages and provider deliveries by outcome, and time to acknowledge — from PostgreSQL. */
export function outcomeGauges(registry: Registry, read: () => Promise<import('../store/metrics.js').OutcomeCounts>): void {
  // One read per scrape, shared by the gauges below.
  let pending: Promise<import('../store/metrics.js').OutcomeCounts> | undefined;
  const once = () => (pending ??= read().finally(() => setTimeout(() => (pending = undefined), 0)));
  new Gauge({
    name: 'drbot_actions', help: 'Guarded recovery actions by runbook and outcome', labelNames: ['kind', 'status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await once()).actions) this.set({ kind: r.kind, status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'drbot_pages', help: 'Pages by outcome (open, acknowledged, resolved)', labelNames: ['status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await once()).pages) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'drbot_page_deliveries', help: 'Provider page triggers by provider and outcome', labelNames: ['provider', 'status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await once()).deliveries) this.set({ provider: r.provider, status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'drbot_page_ack_seconds', help: 'Time to acknowledge a page, by quantile', labelNames: ['quantile'], registers: [registry],
    async collect() {
      this.reset();
      const a = (await once()).ackMs;
      for (const [q, v] of [['0.5', a.p50], ['0.9', a.p90], ['0.99', a.p99]] as const) if (v !== null) this.set({ quantile: q }, Number(v) / 1000);
    },
  });
}

/** RPO and RTO as the recoveries measured them (recovery_measures), against the levels' objectives. */
export function recoveryGauges(registry: Registry, read: () => Promise<Array<{ kind: string; source: string; lastMs: number; met: number; missed: number }>>): void {
  let pending: ReturnType<typeof read> | undefined;
  const once = () => (pending ??= read().finally(() => setTimeout(() => (pending = undefined), 0)));
  new Gauge({
    name: 'drbot_recovery_last_seconds', help: 'The newest measured RPO/RTO, by kind (rpo, rto) and source (replication_lag, restore_point, probes_passing)', labelNames: ['kind', 'source'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of await once()) this.set({ kind: r.kind, source: r.source }, r.lastMs / 1000);
    },
  });
  new Gauge({
    name: 'drbot_recovery_objective', help: 'Measured RPO/RTO that met or missed the level objective, by kind and outcome', labelNames: ['kind', 'outcome'], registers: [registry],
    async collect() {
      this.reset();
      const sum = (k: string, f: 'met' | 'missed') => (r: Array<{ kind: string; met: number; missed: number }>) => r.filter((x) => x.kind === k).reduce((n, x) => n + x[f], 0);
      const rows = await once();
      for (const k of ['rpo', 'rto']) {
        this.set({ kind: k, outcome: 'met' }, sum(k, 'met')(rows));
        this.set({ kind: k, outcome: 'missed' }, sum(k, 'missed')(rows));
      }
    },
  });
}
