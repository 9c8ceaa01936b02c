/**
 * GitHub Issues (REST, `2022-11-28`): create an issue for a follow-up, find one an earlier try already
 * created (a marker in its body), and read an issue's state when the bot checks. The token is read by its
 * env NAME at call time and goes only into the Authorization header.
 */
export interface GitHubTarget {
  repo: string;
  tokenEnv: string;
  apiUrl: string;
  labels: string[];
}

export interface Issue {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  body?: string | null;
}

export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** From Retry-After / x-ratelimit-reset: when another try can help. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GitHubError';
  }

  /** Seconds, as the ticker reads a Retry-After from any error. */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.ceil(this.retryAfterMs / 1000);
  }
}

/** The marker an exported issue carries, so a retried export finds it instead of opening a second one. */
export const issueMarker = (followUpId: number, incidentRef: string) => `<!-- dr-bot follow-up F${followUpId} ${incidentRef} -->`;

export class GitHubIssues {
  constructor(private readonly o: GitHubTarget & { secret: (name: string) => string | undefined; timeoutMs?: number }) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; headers: Headers }> {
    const token = this.o.secret(this.o.tokenEnv);
    if (!token) throw new GitHubError(`${this.o.tokenEnv} is not set`);
    let res: Response;
    try {
      res = await fetch(`${this.o.apiUrl.replace(/\/+$/, '')}/repos/${this.o.repo}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'boomcard-dr-bot', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new GitHubError(`GitHub did not answer (${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message})`);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { message: text.slice(0, 200) };
    }
    if (res.status >= 400) {
      const msg = (json as { message?: string }).message ?? 'no reason given';
      const errors = (json as { errors?: Array<{ message?: string; field?: string; code?: string }> }).errors?.map((e) => e.message ?? `${e.field} ${e.code}`).join('; ');
      const retryAfter = Number(res.headers.get('retry-after'));
      const reset = Number(res.headers.get('x-ratelimit-reset'));
      const wait = retryAfter > 0 ? retryAfter * 1000 : res.headers.get('x-ratelimit-remaining') === '0' && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
      throw new GitHubError(`GitHub ${res.status}: ${msg}${errors ? ` (${errors})` : ''}`, res.status, wait);
    }
    return { status: res.status, json, headers: res.headers };
  }

  async create(i: { title: string; body: string }): Promise<Issue> {
    const r = await this.call('POST', '/issues', { title: i.title, body: i.body, labels: this.o.labels });
    return r.json as Issue;
  }

  /** An issue carrying `marker`, among the repo's issues with our labels (newest first, a few pages at most). */
  async findByMarker(marker: string): Promise<Issue | undefined> {
    const labels = encodeURIComponent(this.o.labels.join(','));
    for (let page = 1; page <= 10; page++) {
      const r = await this.call('GET', `/issues?state=all&per_page=100&page=${page}${labels ? `&labels=${labels}` : ''}`);
      const list = r.json as Issue[];
      const hit = list.find((x) => x.body?.includes(marker));
      if (hit) return hit;
      if (list.length < 100 || !/rel="next"/.test(r.headers.get('link') ?? '')) return undefined;
    }
    return undefined;
  }

  async get(num: number): Promise<Issue> {
    return (await this.call('GET', `/issues/${num}`)).json as Issue;
  }
}
