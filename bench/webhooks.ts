/**
 * An acknowledgement made in the pager app, to the card: a signed PagerDuty V3 `incident.acknowledged`
 * webhook sent to the real bot → the card edit (showing who acknowledged) received by the Slack emulator.
 * - webhook_ack_to_card_p99_ms / _p50_ms: over WEBHOOK_RUNS (default 30) incidents (goal p99 < 500).
 * - webhook_ack_answer_p99_ms: the webhook's own answer (stored, escalation cancelled, jobs queued).
 * Each incident's earlier card edits are let through first (edits are spaced 1 s apart per card), so the
 * figure is the path itself, not the wait behind an unrelated edit. Runs alone with `tsx bench/webhooks.ts`.
 */
import { pathToFileURL } from 'node:url';
import { incidentWorkDrained } from '../test/helpers/drain.js';
import { startPagingHarness } from '../test/helpers/paging.js';
import { PD_SECRET, pdEvent, postPagerDuty } from '../test/helpers/webhooks.js';
import { printFigures, type Figures } from './report.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

export async function runWebhookBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const runs = Math.max(2, Number(process.env.WEBHOOK_RUNS ?? 30));
  const h = await startPagingHarness({
    tune: (p) => {
      p.webhooks = { pagerduty: { secretEnv: ['PD_WEBHOOK_SECRET'], users: {} } };
    },
    env: { PD_WEBHOOK_SECRET: PD_SECRET },
  });
  const toCard: number[] = [];
  const answer: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const inc = await h.declare(`L2 Webhook bench ${i}`);
      const dedupKey = `drbot-INC-${inc.id}-core`;
      await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey }).length === 1, 15_000);
      await incidentWorkDrained(h.bot.store.db, inc.id);
      await new Promise((r) => setTimeout(r, 1_100));
      const raw = pdEvent({ type: 'incident.acknowledged', incidentKey: dedupKey });
      const t0 = performance.now();
      const r = await postPagerDuty(h.port, raw);
      answer.push(performance.now() - t0);
      if (r.body.outcome !== 'acknowledged') throw new Error(`webhook answered ${r.status} ${JSON.stringify(r.body)}`);
      await h.emulator.waitFor(() => h.cards().find((m) => m.ts === inc.ts && JSON.stringify(m.blocks).includes('in PagerDuty for Core team')), 15_000);
      toCard.push(performance.now() - t0);
    }
  } finally {
    await h.stop();
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    figures: { webhook_ack_to_card_p99_ms: round(pct(toCard, 99)), webhook_ack_to_card_p50_ms: round(pct(toCard, 50)), webhook_ack_answer_p99_ms: round(pct(answer, 99)) },
    details: { runs, toCardMs: toCard.map(round), answerMs: answer.map(round) },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printFigures((await runWebhookBench()).figures);
