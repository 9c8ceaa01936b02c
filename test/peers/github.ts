/**
 * A local GitHub REST API for the issue paths the bot uses (`/repos/{owner}/{repo}/issues`, create, list,
 * get), checking what GitHub checks: a bearer token, a User-Agent, the repository, the title; answering
 * 201/200 with GitHub's issue fields, or 401/403/404/422 with `{message, documentation_url, errors}`.
 */
import { PeerServer, type Answer, type PeerRequest } from './peer-server.js';

export interface PeerIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: Array<{ name: string }>;
  html_url: string;
  created_at: string;
}

const DOCS = 'https://docs.github.com/rest/issues/issues';

export class GitHubPeer extends PeerServer {
  readonly issues: PeerIssue[] = [];
  /** The next N creates are carried out but never answered (the answer is lost on the way back). */
  loseAnswers = 0;

  constructor(
    readonly repo: string,
    readonly token: string,
  ) {
    super();
  }

  /** Someone closes the issue on GitHub. */
  closeIssue(num: number): void {
    const i = this.issues.find((x) => x.number === num);
    if (i) i.state = 'closed';
  }

  protected badJson(): Answer {
    return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: DOCS } };
  }

  protected handle(r: Omit<PeerRequest, 'answered' | 'at'>): Answer {
    if (r.headers.authorization !== `Bearer ${this.token}`) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    if (!r.headers['user-agent']) return { status: 403, body: { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.' } };
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues(?:\/(\d+))?$/.exec(r.path);
    if (!m || m[1] !== this.repo) return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    if (m[2]) {
      const issue = r.method === 'GET' ? this.issues.find((x) => x.number === Number(m[2])) : undefined;
      return issue ? { status: 200, body: issue } : { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    }
    if (r.method === 'GET') {
      const state = r.query.get('state') ?? 'open';
      const labels = (r.query.get('labels') ?? '').split(',').filter(Boolean);
      const per = Math.min(100, Number(r.query.get('per_page') ?? 30));
      const page = Math.max(1, Number(r.query.get('page') ?? 1));
      const list = [...this.issues]
        .reverse()
        .filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.some((x) => x.name === l)));
      return { status: 200, body: list.slice((page - 1) * per, page * per) };
    }
    if (r.method !== 'POST') return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
    const b = r.body;
    const errors: Array<Record<string, string>> = [];
    if (typeof b.title !== 'string' || b.title.trim() === '') errors.push({ resource: 'Issue', code: 'missing_field', field: 'title' });
    else if (b.title.length > 256) errors.push({ resource: 'Issue', code: 'custom', field: 'title', message: 'title is too long (maximum is 256 characters)' });
    if (b.body !== undefined && b.body !== null && (typeof b.body !== 'string' || b.body.length > 65_536)) errors.push({ resource: 'Issue', code: 'invalid', field: 'body' });
    if (b.labels !== undefined && (!Array.isArray(b.labels) || b.labels.some((l: unknown) => typeof l !== 'string'))) errors.push({ resource: 'Issue', code: 'invalid', field: 'labels' });
    if (errors.length) return { status: 422, body: { message: 'Validation Failed', errors, documentation_url: DOCS } };
    const number = this.issues.length + 1;
    const issue: PeerIssue = { id: 1000 + number, number, title: b.title, body: b.body ?? null, state: 'open', labels: (b.labels ?? []).map((name: string) => ({ name })), html_url: `https://github.com/${this.repo}/issues/${number}`, created_at: new Date().toISOString() };
    this.issues.push(issue);
    if (this.loseAnswers > 0) {
      this.loseAnswers--;
      return { drop: true };
    }
    return { status: 201, body: issue };
  }
}
