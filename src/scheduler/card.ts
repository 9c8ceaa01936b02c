import type { IncidentService } from '../incidents/service.js';
import type { Store } from '../store/index.js';
import type { JobHandler } from './ticker.js';

/** `post_card`: the card Slack refused when the incident was declared; retried (with backoff) until it is out. */
export function cardHandler(d: { store: Store; incidents: IncidentService }): JobHandler {
  return async (job) => {
    const inc = job.incidentId === null ? undefined : await d.store.incidents.get(job.incidentId);
    if (!inc || inc.cardTs) return {};
    await d.incidents.postCard(inc, { adoptSince: inc.declaredAt });
    return {};
  };
}
