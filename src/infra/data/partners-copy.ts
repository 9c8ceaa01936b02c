/**
 * The copy of `/dr recover-partners`: the planned buckets of each table streamed from the source with
 * COPY … TO STDOUT straight into COPY … FROM STDIN of a staging table on production (pg-copy-streams, loaded
 * only here), then upserted — all tables in ONE production transaction. Rows flow through; nothing holds a
 * table. Before COMMIT the inserted and updated counts are compared with the plan's: data that changed since
 * the Confirm rolls the whole copy back (what was confirmed is what runs).
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqlTarget } from '../sql-access.js';
import { SAME_TEXT } from './partners-compare.js';
import { connect } from './replay.js';

export interface CopyTable {
  table: string;
  pk: string;
  buckets: number[];
  missing: number;
  different: number;
}

export interface CopyResult {
  table: string;
  streamed: number;
  inserted: number;
  updated: number;
}

export class CopyMismatchError extends Error {
  constructor(readonly results: CopyResult[], readonly expected: CopyTable[]) {
    super(
      'the data changed since the plan, so the whole copy was rolled back: ' +
        expected.map((e, i) => `${e.table} planned +${e.missing} ~${e.different}, found +${results[i]?.inserted ?? '?'} ~${results[i]?.updated ?? '?'}`).join('; '),
    );
    this.name = 'CopyMismatchError';
  }
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const stageOf = (t: string) => `dr_stage_${t.replace(/\W/g, '_')}`;

/** Counts rows (COPY text: one newline per row; newlines inside values are escaped) and reports every `every` rows. */
function rowCounter(every: number, onRows: (n: number) => void): Transform {
  let n = 0;
  let shown = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
      if (n - shown >= every) {
        shown = n;
        onRows(n);
      }
      done(null, chunk);
    },
    flush(done) {
      onRows(n);
      done();
    },
  });
}

export async function copyPartners(
  source: SqlTarget,
  production: SqlTarget,
  tables: CopyTable[],
  o: { bucketSize: number; every: number; statementTimeoutMs: number; onProgress?: (table: string, rows: number) => void },
): Promise<CopyResult[]> {
  const { to, from } = await import('pg-copy-streams');
  const [src, prod] = await Promise.all([connect(source, o.statementTimeoutMs), connect(production, o.statementTimeoutMs)]);
  try {
    await Promise.all([src.query(SAME_TEXT), prod.query(SAME_TEXT)]);
    await src.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await prod.query('BEGIN');
    const results: CopyResult[] = [];
    try {
      for (const t of tables) {
        const stage = stageOf(t.table);
        await prod.query(`CREATE TEMP TABLE ${stage} (LIKE ${t.table} INCLUDING DEFAULTS) ON COMMIT DROP`);
        let streamed = 0;
        if (t.buckets.length > 0) {
          const out = src.query(to(`COPY (SELECT * FROM ${t.table} WHERE (${ident(t.pk)} / ${o.bucketSize})::bigint IN (${t.buckets.map(Number).join(',')}) ORDER BY ${ident(t.pk)}) TO STDOUT`));
          const into = prod.query(from(`COPY ${stage} FROM STDIN`));
          await pipeline(out, rowCounter(o.every, (n) => ((streamed = n), o.onProgress?.(t.table, n))), into);
        }
        const cols = (await prod.query(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`, [t.table])).rows.map((r) => ident(r.attname));
        const set = cols.filter((c) => c !== ident(t.pk)).map((c) => `${c} = EXCLUDED.${c}`).join(', ');
        // xmax = 0 on the returned row: it was inserted; otherwise the conflict branch updated it. Rows equal already are not touched.
        const r = await prod.query(
          `WITH up AS (INSERT INTO ${t.table} AS t SELECT * FROM ${stage}
                        ON CONFLICT (${ident(t.pk)}) DO UPDATE SET ${set} WHERE t IS DISTINCT FROM EXCLUDED
                        RETURNING (t.xmax = 0) AS inserted)
           SELECT count(*) FILTER (WHERE inserted)::int AS ins, count(*) FILTER (WHERE NOT inserted)::int AS upd FROM up`,
        );
        results.push({ table: t.table, streamed, inserted: r.rows[0].ins, updated: r.rows[0].upd });
      }
      if (results.some((r, i) => r.inserted !== tables[i]!.missing || r.updated !== tables[i]!.different)) throw new CopyMismatchError(results, tables);
      await prod.query('COMMIT');
      return results;
    } catch (err) {
      await prod.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    await Promise.all([src.end().catch(() => undefined), prod.end().catch(() => undefined)]);
  }
}
