import { postmortemMarkdown } from './postmortem.js';
import type { Policy } from '../policy.js';
import type { Store } from '../store/index.js';

/** Reads what the postmortem needs and renders it; shared by `/incident timeline` and `npm run postmortem`. */
export async function exportPostmortem(store: Store, policy: Policy, incidentId: number, now: Date): Promise<string | undefined> {
  const inc = await store.incidents.get(incidentId);
  if (!inc) return undefined;
  const [timeline, checklist] = await Promise.all([store.timeline(incidentId), store.checklist.list(incidentId)]);
  return postmortemMarkdown(inc, timeline, checklist, policy, now);
}
