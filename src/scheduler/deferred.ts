/**
 * A job that must wait, not fail: its Slack call's turn under the rate limit is later (SlackPacer), or
 * Slack answered 429. The ticker puts it back for `ms` without counting an attempt, so a long storm never
 * dead-letters work that was only waiting for its turn.
 */
export class Deferred extends Error {
  constructor(
    readonly ms: number,
    /** Undo this run's checkpoints: nothing reached Slack (a 429 acts on nothing), so no adopt check is needed. */
    readonly restorePayload = false,
  ) {
    super(`deferred for ${Math.round(ms)} ms (Slack rate limit)`);
    this.name = 'Deferred';
  }
}

/** @slack/web-api's error for a 429 when the client rejects rate-limited calls: Retry-After in seconds. */
export function rateLimitedMs(err: unknown): number | undefined {
  const e = err as { code?: unknown; retryAfter?: unknown } | undefined;
  if (e?.code !== 'slack_webapi_rate_limited_error') return undefined;
  return typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : 1000;
}
