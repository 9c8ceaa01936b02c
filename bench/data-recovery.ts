/**
 * Data recovery at 100,000 rows on the local PostgreSQL, the adapters in a process of their own
 * (data-recovery-worker.ts) so that its peak memory is the recovery's:
 * - partner_recovery_rows_per_s: 100,000 partner rows (20,000 partners, 40,000 locations, 40,000 offers)
 *   compared by hash and streamed from a "restored" database into an empty production, one transaction;
 * - replay_tx_per_s: 100,000 audit rows replayed with replay_transaction(), 1,000 per transaction, each marked;
 * - recovery_peak_rss_mb: the worker's peak RSS over both (goal < 200; flat because rows stream), next to
 *   recovery_start_rss_mb, the same process before it read a row.
 * Runs alone with `tsx bench/data-recovery.ts`.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PARTNERS_SOURCE, procedureDatabase, seedTransactions } from '../test/helpers/data-recovery-db.js';
import { printFigures, type Figures } from './report.js';

const run = promisify(execFile);

export async function runDataRecoveryBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const incidentAt = new Date(Date.now() - 30 * 60_000);
  const [prod, source] = await Promise.all([
    procedureDatabase('benchdataprod', seedTransactions({ known: 1_000, lost: 100_000, skipEvery: 1_000_000_000, incidentAt })),
    procedureDatabase('benchdatasrc', PARTNERS_SOURCE),
  ]);
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/data-recovery-worker.ts', prod.url, source.url], { maxBuffer: 1 << 20, env: { ...process.env, NODE_OPTIONS: '' } });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { rows: number; compareMs: number; copyMs: number; pending: number; replayed: number; replayMs: number; rssAtStartMb: number; maxRssMb: number };
    const copied = (await prod.count('partners')) + (await prod.count('partner_locations')) + (await prod.count('partner_offers'));
    if (copied !== 100_000 || r.replayed !== 100_000) throw new Error(`expected 100,000 rows copied and replayed, got ${copied} and ${r.replayed}`);
    return {
      figures: {
        partner_recovery_rows_per_s: r.rows / ((r.compareMs + r.copyMs) / 1000),
        replay_tx_per_s: r.replayed / (r.replayMs / 1000),
        recovery_peak_rss_mb: r.maxRssMb,
        recovery_start_rss_mb: r.rssAtStartMb,
      },
      details: { ...r, note: 'partner rate counts the hash comparison and the copy; the replay rate includes the plan query' },
    };
  } finally {
    await Promise.all([prod.drop(), source.drop()]);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) printFigures((await runDataRecoveryBench()).figures);
