import { UserError } from '../core/errors.js';
import { incidentRef, parseIncidentRef, type Incident } from '../core/incident.js';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import type { Store } from '../store/index.js';

/** An explicit `INC-n`, or else the one open incident of the channel the command came from. */
export async function findIncident(store: Store, channelId: string, ref: string | undefined, usage: string): Promise<Incident> {
  if (ref !== undefined) {
    const id = parseIncidentRef(ref);
    if (id === undefined) throw new UserError(`"${escapeMrkdwn(ref)}" is not an incident; name one like INC-12.`, usage);
    const inc = await store.incidents.get(id);
    if (!inc) throw new UserError(`${incidentRef(id)} does not exist.`, usage);
    return inc;
  }
  const here = await store.incidents.listOpen(channelId);
  if (here.length === 1) return here[0]!;
  if (here.length > 1) {
    throw new UserError(`Several incidents are open here, so say which one:\n${candidates(here)}`, usage);
  }
  const all = await store.incidents.listOpen();
  if (all.length === 0) throw new UserError('There is no open incident.', usage);
  throw new UserError(`No open incident belongs to this channel; name one:\n${candidates(all)}`, usage);
}

const candidates = (list: Incident[]): string =>
  list.slice(0, 10).map((i) => `• *${incidentRef(i.id)}* (L${i.level}) ${escapeMrkdwn(i.title)}`).join('\n');

/** Commands whose incident is optional take it only in an unmistakable form: `INC-12` or `#12`. */
export const looksLikeIncidentRef = (word: string | undefined): boolean => word !== undefined && /^(inc-?|#)\d+$/i.test(word);
