/** Health URLs ("curl -I https://api.boomcard.bg/health"). */
export interface HttpCheck {
  status: number;
  ok: boolean;
}

export class HttpAdapter {
  /** GET rather than HEAD: many health endpoints answer only GET. 2xx/3xx counts as healthy. */
  async check(url: string, timeoutMs = 4_000): Promise<HttpCheck> {
    const r = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await r.body?.cancel().catch(() => undefined);
    return { status: r.status, ok: r.status >= 200 && r.status < 400 };
  }
}
