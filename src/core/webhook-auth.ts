/**
 * Who may post to a webhook: PagerDuty's signature scheme (V3 webhooks) and the shared bearer token of
 * Opsgenie's and Alertmanager's integrations. Pure functions of the raw body and headers; comparisons are
 * constant-time so a forger learns nothing from how long a refusal took.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * `X-PagerDuty-Signature: v1=<hex>,v1=<hex>` — one HMAC-SHA256 of the raw body per secret PagerDuty holds
 * (several while a secret is rotated). Trusted when any `v1` signature matches any of our secrets (we may
 * hold the old and the new one during our own rotation). Other versions are ignored, as documented.
 */
export function pagerDutySignatureValid(raw: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (!header || secrets.length === 0) return false;
  const given = header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => s.slice(3).toLowerCase());
  if (given.length === 0) return false;
  const expected = secrets.map((secret) => createHmac('sha256', secret).update(raw).digest('hex'));
  // Every pair is compared (no early exit), so the time taken does not say which one matched.
  let ok = false;
  for (const g of given) for (const e of expected) ok = same(g, e) || ok;
  return ok;
}

/** `Authorization: Bearer <token>` against the configured token. */
export function bearerValid(header: string | undefined, token: string | undefined): boolean {
  if (!header || !token) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return Boolean(m) && same(m![1]!, token);
}
