/**
 * `npm run bench`: figures printed as `name: value` lines and written to bench/results.json. Never
 * asserted: the goals are for a human to compare.
 *
 * Sections (all by default; name some to run only those: `npm run bench -- reminders`, or
 * BENCH_ONLY=reminders). A partial run keeps the other sections' figures from the previous results.json.
 * - declare: a bare Bolt app vs. the bot under signed /incident declare load (declare-bench.ts).
 * - reminders: 10,000 due reminders worked off by the bot as a separate process (reminders.ts).
 * - failover: a bare pg_promote() vs. /dr failover-db Confirm → verified new primary on a real pair (failover.ts).
 * - confirm: Confirm click → first step started, with the preflight re-check against local targets (confirm.ts).
 * - footprint: the compiled bot's cold start and resting memory, and the image size if Docker runs (footprint.ts).
 * - local: the local workspace from `npm start`: first start, restart, memory at rest and over a drill (local-workspace.ts).
 * - data: partner recovery and transaction replay at 100,000 rows, and the recovery's peak memory (data-recovery.ts).
 * - outbox: 500 mixed commands with kill -9 restarts and Slack faults: lost and doubled side effects (outbox.ts).
 * - webhooks: a signed PagerDuty acknowledgement webhook → the card edited (webhooks.ts).
 * - edge: /dr failover-lb, failover-dns and purge-cdn against the bare API calls on the same local peers (edge.ts).
 * - storm: 50 incidents in one channel, 20 updates/s for 60 s, reminders due, within Slack's rate limits (storm.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { runDeclareBench } from './declare-bench.js';
import { runReminderBench } from './reminders.js';
import { runFailoverBench } from './failover.js';
import { runOutboxBench } from './outbox.js';
import { runEdgeBench } from './edge.js';
import { runStormBench } from './storm.js';
import { runConfirmBench } from './confirm.js';
import { runFootprintBench } from './footprint.js';
import { runLocalWorkspaceBench } from './local-workspace.js';
import { runWebhookBench } from './webhooks.js';
import { runDataRecoveryBench } from './data-recovery.js';
import { printFigures, printGoals, warnIfBusy, writeResults, type Figures } from './report.js';

const SECTIONS = { declare: runDeclareBench, reminders: runReminderBench, failover: runFailoverBench, confirm: runConfirmBench, footprint: runFootprintBench, local: runLocalWorkspaceBench, outbox: runOutboxBench, data: runDataRecoveryBench, webhooks: runWebhookBench, edge: runEdgeBench, storm: runStormBench } as const;
type Section = keyof typeof SECTIONS;

const asked = [...process.argv.slice(2), ...(process.env.BENCH_ONLY ?? '').split(',')].map((s) => s.trim()).filter(Boolean);
const unknown = asked.filter((s) => !(s in SECTIONS));
if (unknown.length) {
  console.error(`unknown bench section(s): ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
const sections = (asked.length ? [...new Set(asked)] : Object.keys(SECTIONS)) as Section[];
const resultsFile = new URL('./results.json', import.meta.url);

let figures: Figures = {};
let details: Record<string, unknown> = {};
// A partial run replaces its own sections' figures and keeps the rest, saying which run they came from.
const partial = sections.length < Object.keys(SECTIONS).length;
if (partial && existsSync(resultsFile)) {
  try {
    const old = JSON.parse(readFileSync(resultsFile, 'utf8')) as { figures?: Figures; details?: Record<string, unknown>; machine?: { date?: string } };
    figures = { ...old.figures };
    details = { ...old.details, keptFromRunOf: old.machine?.date };
  } catch {
    // an unreadable old file is simply replaced
  }
}

warnIfBusy();
for (const name of sections) {
  const r = await SECTIONS[name]();
  if (name === 'declare') {
    // The declare section's details were the whole "details" object before sections existed: keep that shape.
    details = { ...details, ...r.details };
  } else details[name] = r.details;
  for (const k of Object.keys(r.figures)) delete figures[k]; // fresh figures go last, in the order printed
  figures = { ...figures, ...r.figures };
  printFigures(r.figures);
}
printGoals(figures);
writeResults(resultsFile, figures, partial ? { ...details, sectionsRun: sections } : details);
