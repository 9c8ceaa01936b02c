import { PagerError } from './port.js';

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * POSTs JSON with a deadline. No answer (refused, reset, timed out) is a retryable PagerError; the caller
 * decides what an HTTP status means. The request (which carries a key) is never put in an error.
 */
export async function postJson(url: string, body: unknown, o: { headers?: Record<string, string>; timeoutMs: number }): Promise<JsonAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...o.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${Math.round(o.timeoutMs / 100) / 10} s` : `no answer (${e.cause?.code ?? e.message})`;
    throw new PagerError(why, true);
  }
  const text = await res.text().catch(() => '');
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed };
}

/** 408, 429 and 5xx are worth another try; any other 4xx means the event or the key is wrong. */
export const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** Provider text limits are cut like Slack's: between graphemes, never inside an emoji (see core/slack-text.ts). */
export { cutPlain as truncate } from '../core/slack-text.js';
