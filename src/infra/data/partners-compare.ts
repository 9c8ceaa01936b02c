/**
 * Partner data, a recovery source against production, compared in SQL: each table's rows are hashed
 * (md5 of the row's text) and the hashes folded per primary-key bucket on each side; only the buckets whose
 * fold differs are compared row by row, one bucket at a time. Neither table is ever loaded whole: memory
 * is one bucket's ids and hashes.
 */
import type pg from 'pg';
import type { SqlTarget } from '../sql-access.js';
import { connect } from './replay.js';

export interface TableShape {
  pk: string;
  /** `name type` in column order: both sides must match for a row's text (and hash) to mean the same. */
  columns: string[];
}

export interface TableDiff {
  table: string;
  pk: string;
  sourceRows: number;
  productionRows: number;
  /** In the source, not in production: inserted. */
  missing: number;
  /** In both, different: updated to the source's. */
  different: number;
  /** Only in production: left alone (a recovery adds and repairs, it never deletes). */
  extra: number;
  sampleMissing: string[];
  sampleDifferent: string[];
  /** The buckets (pk / bucketSize) holding a missing or different row: what the copy reads. */
  buckets: number[];
}

/** A row's text (and so its hash) must not depend on a server's own time zone or date style. */
export const SAME_TEXT = "SET TIME ZONE 'UTC'; SET DateStyle TO ISO, YMD; SET IntervalStyle TO postgres; SET extra_float_digits TO 1";

/** A database's identity, to refuse copying a database onto itself whatever the URLs say. */
export async function databaseIdentity(c: pg.Client): Promise<string> {
  const r = await c.query(`SELECT current_database() AS db, (SELECT oid FROM pg_database WHERE datname = current_database())::text AS oid, pg_postmaster_start_time()::text AS started`);
  const x = r.rows[0];
  return `${x.db}|${x.oid}|${x.started}`;
}

export async function tableShape(c: pg.Client, table: string): Promise<TableShape | undefined> {
  const exists = await c.query('SELECT to_regclass($1)::oid AS oid', [table]);
  const oid = exists.rows[0].oid;
  if (oid === null) return undefined;
  const cols = await c.query(
    `SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) AS col FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [oid],
  );
  const pk = await c.query(
    `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1 AND i.indisprimary`,
    [oid],
  );
  if (pk.rows.length !== 1 || !['bigint', 'integer', 'smallint'].includes(pk.rows[0].type)) return { pk: '', columns: cols.rows.map((r) => r.col) };
  return { pk: pk.rows[0].attname, columns: cols.rows.map((r) => r.col) };
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function bucketFolds(c: pg.Client, table: string, pk: string, size: number): Promise<Map<number, string>> {
  const r = await c.query({
    text: `SELECT (${ident(pk)} / $1)::bigint AS b, count(*)::bigint AS n, md5(string_agg(md5(t::text), '' ORDER BY ${ident(pk)})) AS h FROM ${table} t GROUP BY 1`,
    values: [size],
    rowMode: 'array',
  });
  return new Map(r.rows.map(([b, n, h]) => [Number(b), `${n}:${h}`]));
}

async function bucketRows(c: pg.Client, table: string, pk: string, size: number, bucket: number): Promise<Array<[string, string]>> {
  // ORDER BY the column, qualified: the output column is text and would sort "10" before "7".
  const r = await c.query({ text: `SELECT t.${ident(pk)}::text AS k, md5(t::text) FROM ${table} t WHERE t.${ident(pk)} / $1 = $2 ORDER BY t.${ident(pk)}`, values: [size, bucket], rowMode: 'array' });
  return r.rows as Array<[string, string]>;
}

/** Compares one table (both sides' shapes already checked equal). */
export async function diffTable(src: pg.Client, prod: pg.Client, table: string, pk: string, o: { bucketSize: number; samples: number }): Promise<TableDiff> {
  const [a, b] = await Promise.all([bucketFolds(src, table, pk, o.bucketSize), bucketFolds(prod, table, pk, o.bucketSize)]);
  const rows = (m: Map<number, string>) => [...m.values()].reduce((s, v) => s + Number(v.split(':')[0]), 0);
  const d: TableDiff = { table, pk, sourceRows: rows(a), productionRows: rows(b), missing: 0, different: 0, extra: 0, sampleMissing: [], sampleDifferent: [], buckets: [] };
  const all = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const bucket of all) {
    if (a.get(bucket) === b.get(bucket)) continue;
    const [sr, pr] = await Promise.all([a.has(bucket) ? bucketRows(src, table, pk, o.bucketSize, bucket) : [], b.has(bucket) ? bucketRows(prod, table, pk, o.bucketSize, bucket) : []]);
    let i = 0;
    let j = 0;
    let copy = false;
    // Both sides are ordered by the key: a merge walk. Keys are compared as numbers (text order is not numeric).
    while (i < sr.length || j < pr.length) {
      const ks = i < sr.length ? BigInt(sr[i]![0]) : undefined;
      const kp = j < pr.length ? BigInt(pr[j]![0]) : undefined;
      if (kp === undefined || (ks !== undefined && ks < kp)) {
        d.missing++;
        if (d.sampleMissing.length < o.samples) d.sampleMissing.push(sr[i]![0]);
        copy = true;
        i++;
      } else if (ks === undefined || kp < ks) {
        d.extra++;
        j++;
      } else {
        if (sr[i]![1] !== pr[j]![1]) {
          d.different++;
          if (d.sampleDifferent.length < o.samples) d.sampleDifferent.push(sr[i]![0]);
          copy = true;
        }
        i++;
        j++;
      }
    }
    if (copy) d.buckets.push(bucket);
  }
  return d;
}

export type ComparePreflight =
  | { ok: true; diffs: TableDiff[] }
  | { ok: false; problem: 'same-database' }
  | { ok: false; problem: 'missing-table'; side: 'source' | 'production'; table: string }
  | { ok: false; problem: 'no-integer-key'; table: string }
  | { ok: false; problem: 'shape'; table: string; source: string[]; production: string[] };

/** Everything the plan needs, read-only on both sides. */
export async function comparePartners(source: SqlTarget, production: SqlTarget, tables: string[], o: { bucketSize: number; samples: number; statementTimeoutMs: number }): Promise<ComparePreflight> {
  const [src, prod] = await Promise.all([connect(source, o.statementTimeoutMs), connect(production, o.statementTimeoutMs)]);
  try {
    if ((await databaseIdentity(src)) === (await databaseIdentity(prod))) return { ok: false, problem: 'same-database' };
    await Promise.all([src.query(SAME_TEXT), prod.query(SAME_TEXT)]);
    await Promise.all([src.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY'), prod.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY')]);
    const diffs: TableDiff[] = [];
    for (const table of tables) {
      const [s, p] = await Promise.all([tableShape(src, table), tableShape(prod, table)]);
      if (!s) return { ok: false, problem: 'missing-table', side: 'source', table };
      if (!p) return { ok: false, problem: 'missing-table', side: 'production', table };
      if (!s.pk || !p.pk) return { ok: false, problem: 'no-integer-key', table };
      if (s.columns.join(',') !== p.columns.join(',') || s.pk !== p.pk) return { ok: false, problem: 'shape', table, source: s.columns, production: p.columns };
      diffs.push(await diffTable(src, prod, table, s.pk, o));
    }
    return { ok: true, diffs };
  } finally {
    await Promise.all([src.end().catch(() => undefined), prod.end().catch(() => undefined)]);
  }
}
