/**
 * Credentials inside URLs (`postgres://app:s3cret@db:5432/x`, `http://user:pass@host/health`) never reach a
 * Slack message or a log line: every URL or error text the bot shows or logs goes through here first.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@'"<>]*)@/gi;
/** `password=…` in libpq key/value connection strings and query strings. */
const PASSWORD_PAIR = /\b(password|passwd|pwd|token|secret|api[_-]?key)=([^\s&;'"]+)/gi;

export const REDACTED = '***';

export function redactUrls(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`).replace(PASSWORD_PAIR, (_m, k: string) => `${k}=${REDACTED}`);
}

/** The same over any value a log line carries: strings anywhere inside objects and arrays, errors' message and stack. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (depth > 6 || value === null || value === undefined) return value;
  if (typeof value === 'string') return redactUrls(value) as T;
  if (value instanceof Error) {
    const e = value as Error & Record<string, unknown>;
    const copy = Object.assign(Object.create(Object.getPrototypeOf(e) as object) as Error, e);
    copy.message = redactUrls(e.message);
    if (e.stack) copy.stack = redactUrls(e.stack);
    return copy as T;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactDeep(v, depth + 1)])) as T;
  }
  return value;
}
