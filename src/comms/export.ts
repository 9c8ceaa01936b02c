import { postmortemMarkdown } from './postmortem.js';
import type { Policy } from '../policy.js';
import type { Store } from '../store/index.js';
import { PageStore } from '../store/pages.js';
import { FollowUpStore } from '../store/follow-ups.js';

/** Reads what the postmortem needs and renders it; shared by `/incident timeline` and `npm run postmortem`. */
export async function exportPostmortem(store: Store, policy: Policy, incidentId: number, now: Date): Promise<string | undefined> {
  const inc = await store.incidents.get(incidentId);
  if (!inc) return undefined;
  const pageStore = new PageStore(store.db);
  const [timeline, checklist, pages, followUps] = await Promise.all([store.timeline(incidentId), store.checklist.list(incidentId), pageStore.forIncident(incidentId), new FollowUpStore(store.db).list(incidentId)]);
  const deliveries = await pageStore.deliveriesOf(pages.map((p) => p.id));
  const records = pages.map((p) => ({ ...p, deliveries: deliveries.filter((d) => d.pageId === p.id) }));
  return postmortemMarkdown(inc, timeline, checklist, policy, now, records, followUps);
}
