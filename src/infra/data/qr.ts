/** The procedures' QR-code integrity ("Verify partner QR codes"), read-only: codes whose partner is gone, partners with no code. */
import type { SqlTarget } from '../sql-access.js';
import { connect } from './replay.js';

export interface QrCounts {
  partners: number;
  codes: number;
  /** QR codes whose partner does not exist (the procedures' "Invalid QR Codes"). */
  withoutPartner: number;
  /** Partners with no QR code at all: what `--missing-only` regenerates. */
  partnersWithoutCode: number;
}

export async function qrCounts(url: SqlTarget, n: { partners: string; qr: string }, timeoutMs = 30_000): Promise<QrCounts> {
  const c = await connect(url, timeoutMs);
  try {
    await c.query('BEGIN TRANSACTION READ ONLY');
    const r = await c.query(
      `SELECT (SELECT count(*) FROM ${n.partners})::bigint AS partners,
              (SELECT count(*) FROM ${n.qr})::bigint AS codes,
              (SELECT count(*) FROM ${n.qr} q LEFT JOIN ${n.partners} p ON q.partner_id = p.id WHERE p.id IS NULL)::bigint AS without_partner,
              (SELECT count(*) FROM ${n.partners} p WHERE NOT EXISTS (SELECT 1 FROM ${n.qr} q WHERE q.partner_id = p.id))::bigint AS without_code`,
    );
    await c.query('COMMIT');
    const x = r.rows[0];
    return { partners: Number(x.partners), codes: Number(x.codes), withoutPartner: Number(x.without_partner), partnersWithoutCode: Number(x.without_code) };
  } finally {
    await c.end().catch(() => undefined);
  }
}
