import { UserError } from '../core/errors.js';
import type { Incident } from '../core/incident.js';
import { findIncident } from '../incidents/lookup.js';
import type { Store } from '../store/index.js';

/**
 * The incident a follow-up is for: `INC-n`, else the channel's one open incident, else — follow-ups are
 * mostly written after the fact — the one incident resolved but not yet closed.
 */
export async function incidentForFollowUp(store: Store, channelId: string, ref: string | undefined, usage: string): Promise<Incident> {
  if (ref !== undefined || (await store.incidents.listOpen()).length > 0) return findIncident(store, channelId, ref, usage);
  const r = await store.db.query<{ id: number }>("SELECT id FROM incidents WHERE status = 'resolved' ORDER BY id DESC LIMIT 2");
  if (r.rows.length !== 1) throw new UserError(r.rows.length ? 'Several incidents are resolved and not closed; name one like INC-12.' : 'There is no open or resolved incident; name one like INC-12.', usage);
  return (await store.incidents.get(r.rows[0]!.id))!;
}
