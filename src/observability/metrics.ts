import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one bot process; each replica is scraped on its own `/metrics`. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    commands: new Counter({ name: 'drbot_commands_total', help: 'Slash commands by command and outcome', labelNames: ['command', 'outcome'], registers: [registry] }),
    incidentsDeclared: new Counter({ name: 'drbot_incidents_declared_total', help: 'Incidents declared, by level', labelNames: ['level', 'drill'], registers: [registry] }),
    errors: new Counter({ name: 'drbot_errors_total', help: 'Errors that reached the error handler, by kind', labelNames: ['kind'], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
