/**
 * Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * basestring `v0:${timestamp}:${rawBody}`, HMAC-SHA256 with the signing secret, hex, prefixed `v0=`.
 * The driver signs with it; the tests' stand-in bot verifies with it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
export const SIGNATURE_HEADER = 'x-slack-signature';

export function computeSignature(signingSecret: string, timestampSec: number | string, rawBody: string): string {
  const hmac = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`, 'utf8');
  return `v0=${hmac.digest('hex')}`;
}

/** Headers Slack adds to every request it sends an app. */
export function signRequest(
  signingSecret: string,
  rawBody: string,
  timestampSec = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'X-Slack-Request-Timestamp': String(timestampSec),
    'X-Slack-Signature': computeSignature(signingSecret, timestampSec, rawBody),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/**
 * What a receiving app does: reject requests older than `toleranceSec` (replay protection, Slack
 * suggests 5 minutes) and compare signatures in constant time.
 */
export function verifySignature(o: {
  signingSecret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSec?: number;
  toleranceSec?: number;
}): VerifyResult {
  if (!o.timestamp || !o.signature) return { ok: false, reason: 'missing_headers' };
  const ts = Number(o.timestamp);
  const now = o.nowSec ?? Math.floor(Date.now() / 1000);
  if (!Number.isFinite(ts) || Math.abs(now - ts) > (o.toleranceSec ?? 300)) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(computeSignature(o.signingSecret, o.timestamp, o.rawBody));
  const given = Buffer.from(o.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
