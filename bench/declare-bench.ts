/**
 * The declare section of `npm run bench`: a bare Bolt app vs. the bot, in one run on this machine.
 * Threads: both apps on this one, the Slack emulator and the load sender each in a worker (see
 * workers.ts). Goals (declare_ack_p99_ratio ≤ 1.25, declare_to_card_p99_ms < 150) are for a human to compare.
 */
import { startBareApp, startBot, type AppUnderTest, type BotUnderTest } from './apps.js';
import { ACK_LOAD, CARD_RATE, measureAcks, measureBareConcurrent, measureCardLatency, measureSaturation, warmUp } from './declare.js';
import { maybeProfile } from './profile.js';
import type { Figures } from './report.js';
import { startRig } from './rig.js';

const CONCURRENT_MS = 5_000; // the bare app at 10 concurrent: thousands of requests a second, enough for a p99
const SATURATION_MS = 10_000;

export async function runDeclareBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const rig = await startRig();
  let bare: AppUnderTest | undefined;
  let bot: BotUnderTest | undefined;
  try {
    bare = await startBareApp(rig.apiUrl);
    bot = await startBot(rig.apiUrl);
    await warmUp(rig, bare.url, bot.url);
    const acks = await maybeProfile('ack-100-per-s', () => measureAcks(rig, bare!.url, bot!.url));
    const bare10c = await measureBareConcurrent(rig, bare.url, CONCURRENT_MS);
    const card = await measureCardLatency(rig, bot.url);
    const sat = await measureSaturation(rig, bot.url, SATURATION_MS);
    const db = await bot.dbStats();

    const figures: Figures = {
      bare_ack_p50_ms: acks.bare.p50,
      bare_ack_p99_ms: acks.bare.p99,
      declare_ack_p50_ms: acks.declare.p50,
      declare_ack_p99_ms: acks.declare.p99,
      declare_ack_p99_ratio: acks.declare.p99 / acks.bare.p99,
      bare_ack_p99_ms_10c: bare10c.p99,
      declare_ack_p99_ms_10c: sat.ack.p99,
      bare_ack_per_s_10c: bare10c.perS,
      declare_ack_per_s_10c: sat.ackPerS,
      declare_max_per_s: sat.declaresPerS,
      // CPU time of the app's thread per request at 100/s: what a declare costs beyond an ack.
      bare_cpu_ms_per_ack: acks.bare.appCpuMsPerRequest,
      declare_cpu_ms_per_declare: acks.declare.appCpuMsPerRequest,
      // Measured in the same run, so a busy or slower machine moves both sides: the goal is ≤ 3.
      declare_cpu_ratio: acks.declare.appCpuMsPerRequest / acks.bare.appCpuMsPerRequest,
      declare_to_card_p50_ms: card.p50,
      declare_to_card_p99_ms: card.p99,
      errors: acks.bare.failed + acks.declare.failed + bare10c.failed + card.ack.failed + sat.ack.failed,
      cards_missing: acks.declare.missingCards + card.missingCards + sat.missingCards,
      declare_failed_after_ack: acks.declare.failedAfterAck + card.failedAfterAck + sat.failedAfterAck,
      // Incidents whose card was posted but whose card_ts was never saved: later edits cannot find the card.
      incidents_without_card_ts: db.withoutCard,
      slack_api_errors: acks.declare.failedCallCount + card.failedCallCount + sat.failedCallCount,
    };
    return {
      figures,
      details: {
        load: { ack: ACK_LOAD, card: CARD_RATE, bareConcurrentMs: CONCURRENT_MS, saturationMs: SATURATION_MS, concurrency: 10 },
        acks,
        bare10c,
        declareToCard: card,
        saturation: sat,
        database: db,
      },
    };
  } finally {
    await rig.closeSockets(); // idle keep-alive sockets would hold the servers open
    await bot?.stop();
    await bare?.stop();
    await rig.stop();
  }
}
