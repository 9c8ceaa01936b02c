/**
 * The incident card's first post (the `post_card` job's work): adopt a card that already landed (an earlier
 * run timed out or died after Slack took it; the message metadata names the incident), else post it; then
 * record where it is. Cards recorded here are kept briefly for the declarer waiting for them.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/index.js';
import { queueCardEdit } from '../store/outbox.js';
import { CARD_EVENT, findPostedCard } from './find-card.js';

/** A card posted this soon after its declare has no acknowledgements or measures to show yet. */
const FRESH_CARD_MS = 60_000;

/** Recorded cards kept for a declarer to take (see `landed`): far more than are ever waited for at once. */
const LANDED_KEPT = 256;

export interface PostCardOptions {
  adopt: boolean;
  beforePost: (channel: string) => Promise<void>;
  send?: <T>(channel: string, post: () => Promise<T>) => Promise<T>;
}

export class CardPoster {
  constructor(
    private readonly d: {
      store: Store;
      slack: WebClient;
      slackOnce?: WebClient;
      clock: Clock;
      log: Logger;
      channel: string;
      render: (inc: Incident, o: { extras?: boolean }) => Promise<{ text: string; blocks: unknown[] }>;
      nudge: () => void;
    },
  ) {}

  /**
   * Cards this process just recorded, as the recording statement read them back: the declarer waiting for
   * its card takes it from here instead of reading the incident again. Bounded: a card nobody waits for
   * (posted by the start-up sweep, another replica's declarer) is dropped with the oldest.
   */
  private readonly landed = new Map<number, Incident>();

  takeLanded(id: number): Incident | undefined {
    const inc = this.landed.get(id);
    this.landed.delete(id);
    return inc;
  }

  async post(inc: Incident, o: PostCardOptions): Promise<Incident> {
    if (o.adopt) {
      const landed = await findPostedCard(this.d.slack, this.d.channel, inc.id, new Date(inc.declaredAt.getTime() - 60_000));
      if (landed) {
        this.d.log.info({ incident: inc.id, ts: landed.ts }, 'card had already landed; adopting it');
        return this.record(inc, landed.channel, landed.ts);
      }
    }
    await o.beforePost(this.d.channel);
    // A first try right after the declare has nothing else to show (acknowledgements, measures): each of
    // those queues a redraw of its own, which waits for this card. A retry, or a card posted late (a job
    // revived at start-up, whose waiting redraws may have given up), reads them.
    const fresh = !o.adopt && this.d.clock.now().getTime() - inc.declaredAt.getTime() < FRESH_CARD_MS;
    const card = await this.d.render(inc, { extras: !fresh });
    const post = () =>
      (this.d.slackOnce ?? this.d.slack).chat.postMessage({
        channel: this.d.channel,
        ...card,
        metadata: { event_type: CARD_EVENT, event_payload: { incident: inc.id } },
        unfurl_links: false,
        unfurl_media: false,
      } as never);
    const posted = await (o.send ? o.send(this.d.channel, post) : post());
    return this.record(inc, posted.channel!, posted.ts!);
  }

  /**
   * Where the card is; a change made while it was being posted gets the card redrawn. Comparing the rows
   * is enough (no second render): what else the card shows (acknowledgements) queues its own redraw.
   */
  private async record(inc: Incident, channel: string, ts: string): Promise<Incident> {
    const { incident: now } = await this.d.store.incidents.setCard(inc.id, channel, ts);
    if (!now) return { ...inc, channelId: channel, cardTs: ts };
    if (!sameCardFacts({ ...inc, channelId: channel, cardTs: ts }, now)) await queueCardEdit(this.d.store.db, inc.id);
    this.d.nudge(); // its thread lines were made due by the same statement
    this.landed.set(now.id, now);
    if (this.landed.size > LANDED_KEPT) this.landed.delete(this.landed.keys().next().value!);
    return now;
  }
}

/** Whether two reads of an incident show the same card (timestamps compared by value). */
function sameCardFacts(a: Incident, b: Incident): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
