import { loadPolicy, type Policy } from '../../src/policy.js';
import type { Message } from '../../src/sandbox/types.js';
import { OpsgeniePeer } from '../peers/opsgenie.js';
import { PagerDutyPeer, routingKey } from '../peers/pagerduty.js';
import { eventually } from './eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from './harness.js';

export const KEYS = { PD_KEY_CORE: routingKey('core'), PD_KEY_DBA: routingKey('dba'), PD_KEY_MGMT: routingKey('mgmt'), OG_KEY: 'og-test-key-1' };

export interface PagingHarness extends Harness {
  pd: PagerDutyPeer;
  opsEu: OpsgeniePeer;
  opsUs: OpsgeniePeer;
  /** Declares as alice in #incident-response; answers the incident id and its card ts. */
  declare(text: string): Promise<{ id: number; ts: string }>;
  /** The page DMs a person got (newest last). */
  dms(user: string): Message[];
  threadText(ts: string): string[];
  /** The answer a person got to a command, as an ephemeral. */
  answer(user: string, command: string, text: string): Promise<string>;
  /** Waits until the incident's provider calls and DMs are all done (none pending). */
  settled(id: number): Promise<void>;
}

/** The bot with the paging test policy, PagerDuty and Opsgenie (EU and US) peers, keys in its environment. */
export async function startPagingHarness(o: { tune?: (p: Policy) => void; env?: Record<string, string> } = {}): Promise<PagingHarness> {
  const pd = await new PagerDutyPeer().start();
  const opsEu = await new OpsgeniePeer('eu').start();
  const opsUs = await new OpsgeniePeer('us').start();
  const policy = loadPolicy('test/fixtures/policy-paging.yml');
  policy.paging.pagerduty.eventsUrl = pd.url;
  policy.paging.opsgenie = { euUrl: opsEu.url, usUrl: opsUs.url };
  o.tune?.(policy);
  const h = await startHarness({ policy, env: { ...KEYS, ...o.env }, scheduler: { tickMs: 50, leaseMs: 5_000 } });
  const stop = h.stop;
  const dms = (user: string) => {
    try {
      return h.emulator.messages(user).filter((m) => JSON.stringify(m.blocks ?? []).includes('You are paged'));
    } catch {
      return [];
    }
  };
  return Object.assign(h, {
    pd,
    opsEu,
    opsUs,
    dms,
    threadText: (ts: string) => h.emulator.thread(CHANNELS.incidents, ts).map((m) => m.text),
    async declare(text: string) {
      const before = h.cards().length;
      await h.run(PEOPLE.alice, '/incident', `declare ${text}`);
      const card = await h.emulator.waitFor(() => h.cards().slice(before).find((m) => /INC-\d+/.test(m.text)));
      return { id: Number(/INC-(\d+)/.exec(card.text)![1]), ts: card.ts };
    },
    async answer(user: string, command: string, text: string) {
      const before = h.emulator.ephemerals({ user }).length;
      await h.run(user, command, text);
      return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0])).text;
    },
    async settled(id: number) {
      await eventually(async () => {
        const r = await h.bot.store.db.query<{ n: number }>(
          // Everything the incident queued, except the timers that are meant to wait (reminders, escalations).
          "SELECT count(*)::int AS n FROM jobs WHERE incident_id = $1 AND kind NOT IN ('reminder', 'page_escalation', 'action_expiry') AND done_at IS NULL",
          [id],
        );
        return r.rows[0]!.n === 0;
      }, 10_000);
    },
    async stop() {
      await stop();
      await Promise.all([pd.close(), opsEu.close(), opsUs.close()]);
    },
  });
}
