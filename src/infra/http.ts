/** Health URLs ("curl -I https://api.boomcard.bg/health"). */
export interface HttpCheck {
  status: number;
  ok: boolean;
}

export class HttpAdapter {
  /** GET rather than HEAD: many health endpoints answer only GET. 2xx/3xx counts as healthy. */
  async check(url: string, timeoutMs = 4_000): Promise<HttpCheck> {
    // fetch refuses a URL with credentials (and its error would show them): they go as Basic auth instead.
    const u = new URL(url);
    const headers: Record<string, string> = {};
    if (u.username || u.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
      u.username = '';
      u.password = '';
    }
    const r = await fetch(u, { method: 'GET', headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await r.body?.cancel().catch(() => undefined);
    return { status: r.status, ok: r.status >= 200 && r.status < 400 };
  }
}
