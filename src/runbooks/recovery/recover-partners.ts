/**
 * `/dr recover-partners --from <source>`: the procedures' "Partner Data Recovery" (pg_dump of partners,
 * partner_locations, partner_offers from a backup, psql into production, verify the QR codes). The plan
 * compares the source and production by hashes in SQL (infra/data/partners-compare.ts) and shows, per
 * table, what will be inserted and what updated, with samples; the run streams only those rows in one
 * production transaction, then checks the counts and the QR codes.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { ComparePreflight, TableDiff } from '../../infra/data/partners-compare.js';
import type { CopyTable } from '../../infra/data/partners-copy.js';
import type { Runbook, RunbookContext } from '../types.js';
import { missingVariable } from '../target-hints.js';
import { count, dataTarget, platformUrl } from './data-target.js';

export interface PartnerArgs {
  from: string;
}

interface PartnerPlan {
  from: string;
  sourceEnv: string;
  urlEnv: string;
  tables: Array<CopyTable & { productionRows: number }>;
  bucketSize: number;
  copyBatch: number;
  statementTimeout: number;
  qr: { partners: string; qr: string };
}

function sourceUrl(ctx: Pick<RunbookContext, 'infra' | 'policy'>, from: string): { env: string; url: string } {
  const { data } = dataTarget(ctx.policy);
  const names = Object.keys(data.partners.sources);
  const env = data.partners.sources[from];
  if (!env) {
    throw new UserError(
      names.length
        ? `Unknown source "${escapeMrkdwn(from)}". The policy lists: ${names.join(', ')} (\`targets.database.data.partners.sources\`).`
        : 'The policy names no recovery source (`targets.database.data.partners.sources` in dr-policy.yml: a name and the env variable with its URL).',
    );
  }
  const url = ctx.infra.env(env);
  if (!url) throw missingVariable(env, `targets.database.data.partners.sources.${from}`, `how to reach the recovery source ${from}`);
  return { env, url };
}

const samples = (ids: string[], n: number) => (n === 0 ? '' : ids.length ? ` (e.g. #${ids.join(', #')})` : '');

function tableLine(d: TableDiff): string {
  const parts = [`source ${count(d.sourceRows)} · production ${count(d.productionRows)}`];
  parts.push(`${count(d.missing)} missing → insert${samples(d.sampleMissing, d.missing)}`);
  parts.push(`${count(d.different)} different → update${samples(d.sampleDifferent, d.different)}`);
  if (d.extra) parts.push(`${count(d.extra)} only in production → left alone`);
  return parts.join(' · ');
}

function refusal(r: Exclude<ComparePreflight, { ok: true }>, from: string): UserError {
  switch (r.problem) {
    case 'same-database':
      return new UserError(`The source "${escapeMrkdwn(from)}" is the production database itself (same server, same database): there is nothing to recover from. Point its variable at the restored instance or the backup server.`);
    case 'missing-table':
      return new UserError(`The ${r.side === 'source' ? `source "${escapeMrkdwn(from)}"` : 'production database'} has no table ${r.table}; nothing was planned.`);
    case 'no-integer-key':
      return new UserError(`${r.table} has no single integer primary key, which the comparison buckets by; nothing was planned.`);
    case 'shape':
      return new UserError(`${r.table} has different columns in the source (${r.source.join(', ')}) and in production (${r.production.join(', ')}); migrate one to the other first. Nothing was planned.`);
  }
}

export const recoverPartners: Runbook<PartnerArgs, PartnerPlan> = {
  id: 'recover-partners',
  title: 'Recover partner data',
  destructive: true,
  requestRoles: [INCIDENT_COMMANDER, 'dba'],
  approveRoles: [INCIDENT_COMMANDER, 'dba'],
  async plan(ctx, args) {
    const { connectionEnv, data } = dataTarget(ctx.policy);
    const src = sourceUrl(ctx, args.from);
    const prod = platformUrl(ctx, connectionEnv);
    if (src.env === connectionEnv || src.url === prod) throw refusal({ ok: false, problem: 'same-database' }, args.from);
    const p = data.partners;
    let r: ComparePreflight;
    try {
      r = await ctx.infra.data.comparePartners(src.url, prod, p.tables, { bucketSize: p.bucketSize, samples: 3, statementTimeoutMs: data.statementTimeout });
    } catch (err) {
      throw new UserError(`The comparison did not finish (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
    }
    if (!r.ok) throw refusal(r, args.from);
    const ins = r.diffs.reduce((s, d) => s + d.missing, 0);
    const upd = r.diffs.reduce((s, d) => s + d.different, 0);
    if (ins + upd === 0) throw new UserError(`Production already has every row of ${p.tables.join(', ')} that "${escapeMrkdwn(args.from)}" has, unchanged: nothing to copy. \`/dr verify-qr\` checks the QR codes.`);
    const plan: PartnerPlan = {
      from: args.from,
      sourceEnv: src.env,
      urlEnv: connectionEnv,
      tables: r.diffs.map((d) => ({ table: d.table, pk: d.pk, buckets: d.buckets, missing: d.missing, different: d.different, productionRows: d.productionRows })),
      bucketSize: p.bucketSize,
      copyBatch: p.copyBatch,
      statementTimeout: data.statementTimeout,
      qr: { partners: p.partnersTable, qr: p.qrTable },
    };
    const extra = r.diffs.reduce((s, d) => s + d.extra, 0);
    return {
      target: 'database',
      summary: `Copy ${count(ins + upd)} rows from ${args.from} into production in one transaction: ${count(ins)} inserted, ${count(upd)} updated, compared by primary key and row hash; then verify the counts and the QR codes.`,
      facts: [['Source', `${args.from} (${src.env})`], ...r.diffs.map((d): [string, string] => [d.table, tableLine(d)])],
      warnings: extra ? [`${count(extra)} rows exist only in production (newer than the source?): they are kept, not deleted.`] : [],
      data: plan,
      fingerprint: { from: args.from, ...Object.fromEntries(r.diffs.map((d) => [d.table, `+${d.missing} ~${d.different} =${d.productionRows}`])) },
    };
  },
  steps(plan) {
    const d = plan.data;
    return [
      {
        id: 'copy',
        title: `Copy from ${d.from} in one transaction`,
        async run(ctx) {
          const src = sourceUrl(ctx, d.from);
          const t0 = performance.now();
          const res = await ctx.infra.data.copyPartners(src.url, platformUrl(ctx, d.urlEnv), d.tables, {
            bucketSize: d.bucketSize,
            every: d.copyBatch,
            statementTimeoutMs: d.statementTimeout,
            onProgress: (table, rows) => void ctx.progress(`${table}: ${count(rows)} rows streamed`),
          });
          const s = (performance.now() - t0) / 1000;
          const rows = res.reduce((n, x) => n + x.streamed, 0);
          return `${res.map((x) => `${x.table} +${count(x.inserted)} ~${count(x.updated)}`).join(', ')}; ${count(rows)} rows streamed in ${s.toFixed(1)} s`;
        },
      },
      {
        id: 'verify',
        title: 'Verify the counts: nothing missing or different any more',
        async run(ctx) {
          const { data } = dataTarget(ctx.policy);
          const src = sourceUrl(ctx, d.from);
          const r = await ctx.infra.data.comparePartners(src.url, platformUrl(ctx, d.urlEnv), d.tables.map((t) => t.table), { bucketSize: d.bucketSize, samples: 3, statementTimeoutMs: data.statementTimeout });
          if (!r.ok) throw refusal(r, d.from);
          const bad = r.diffs.filter((x, i) => x.missing || x.different || x.productionRows !== d.tables[i]!.productionRows + d.tables[i]!.missing);
          if (bad.length) throw new Error(bad.map(tableLine).join('; '));
          return r.diffs.map((x) => `${x.table} ${count(x.productionRows)}`).join(', ') + ' rows; 0 missing, 0 different';
        },
      },
      {
        id: 'qr',
        title: 'Verify the partner QR codes',
        async run(ctx) {
          const q = await ctx.infra.data.qrCounts(platformUrl(ctx, d.urlEnv), d.qr);
          return qrLine(q) + (q.partnersWithoutCode ? '; `/dr regenerate-qr --missing-only` makes the missing ones' : '');
        },
      },
    ];
  },
};

export const qrLine = (q: { partners: number; codes: number; withoutPartner: number; partnersWithoutCode: number }): string =>
  `${count(q.codes)} QR codes for ${count(q.partners)} partners: ${count(q.withoutPartner)} whose partner is missing, ${count(q.partnersWithoutCode)} partners with no code`;
