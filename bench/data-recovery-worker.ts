/**
 * The data-recovery adapters alone in a process of their own, so that its peak RSS is what the recovery
 * costs: argv = production URL, source URL. Prints one JSON line with timings and process.resourceUsage().maxRSS.
 */
import { DataAdapter } from '../src/infra/data/index.js';

const [prod, source] = process.argv.slice(2) as [string, string];
const data = new DataAdapter();
const rssAtStart = process.memoryUsage().rss;
const tables = ['partners', 'partner_locations', 'partner_offers'];
const names = { fn: 'replay_transaction', audit: 'audit_log', transactions: 'transactions', ledger: 'dr_bot_replayed' };

let t0 = performance.now();
const cmp = await data.comparePartners(source, prod, tables, { bucketSize: 1000, samples: 3, statementTimeoutMs: 600_000 });
if (!cmp.ok) throw new Error(`comparison refused: ${cmp.problem}`);
const compareMs = performance.now() - t0;
t0 = performance.now();
const copied = await data.copyPartners(source, prod, cmp.diffs.map((d) => ({ table: d.table, pk: d.pk, buckets: d.buckets, missing: d.missing, different: d.different })), { bucketSize: 1000, every: 5000, statementTimeoutMs: 600_000 });
const copyMs = performance.now() - t0;

t0 = performance.now();
const facts = await data.replayFacts(prod, names, new Date(Date.now() - 60 * 60_000));
await data.ensureLedger(prod, names);
const replayed = await data.replayWindow(prod, names, { lastKnownId: facts.lastKnownId, maxAuditId: facts.maxAuditId! }, { batchSize: 1000, by: 'bench', statementTimeoutMs: 600_000 });
const replayMs = performance.now() - t0;

console.log(
  JSON.stringify({
    rows: copied.reduce((n, c) => n + c.streamed, 0),
    compareMs,
    copyMs,
    pending: facts.pending,
    replayed,
    replayMs,
    rssAtStartMb: rssAtStart / 1048576,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
