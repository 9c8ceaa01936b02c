/**
 * The HTTP transport of every Slack call (the Web API client, Bolt's `respond` to a response_url): undici's
 * `request` over one bounded keep-alive pool, instead of the global `fetch`.
 *
 * Why: measured in the declare and reminder benchmarks, `fetch` (WHATWG streams, an AbortController and a
 * Response per call) was the largest single cost of a Slack call after the socket write itself; a plain
 * request with the body read as one string does the same over the same connections for a fraction of it.
 *
 * What the clients read of a response is all here: status, headers, the body as text/JSON/bytes (bodies are
 * small JSON, read whole before answering so the connection goes back to the pool at once). Multipart
 * bodies (file uploads) go through the global `fetch`, which builds the form boundary.
 */
import { STATUS_CODES } from 'node:http';
import type { FetchFunction } from '@slack/web-api';
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';

/** Connections per origin: Slack's API host, and each response_url host. Requests beyond it queue in the pool. */
const CONNECTIONS = 16;

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

function headersOf(raw: Record<string, string | string[] | undefined>): FetchResponse['headers'] {
  const flat = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) flat.set(k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v);
  return { get: (name) => flat.get(name.toLowerCase()) ?? null, entries: () => flat.entries() };
}

/**
 * `NODE_USE_ENV_PROXY=1` (Node's own switch for its fetch) sends Slack calls through HTTP(S)_PROXY, as the
 * global fetch would with it.
 */
export function slackFetch(env: NodeJS.ProcessEnv = process.env): { fetch: FetchFunction; close: () => Promise<void> } {
  const dispatcher: Dispatcher =
    env.NODE_USE_ENV_PROXY === '1' ? new EnvHttpProxyAgent({ connections: CONNECTIONS }) : new Agent({ connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const slackFetch: FetchFunction = async (url, init = {}) => {
    if (init.body !== undefined && typeof init.body !== 'string') return fetch(url, init);
    const href = String(url);
    const res = await request(href, {
      method: init.method === 'GET' ? 'GET' : 'POST', // the Slack clients only ever POST
      headers: init.headers,
      body: init.body,
      signal: init.signal,
      dispatcher,
    });
    // Read whole (and so released) before anyone looks: a body nobody reads would hold its connection.
    const bytes = await res.body.arrayBuffer();
    const text = () => Buffer.from(bytes).toString('utf8');
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      statusText: STATUS_CODES[res.statusCode] ?? '',
      url: href,
      headers: headersOf(res.headers),
      text: async () => text(),
      json: async () => JSON.parse(text()) as unknown,
      arrayBuffer: async () => bytes,
    };
  };
  // Closed last on a stop: idle keep-alive sockets would otherwise hold the process (and a test run) open.
  return { fetch: slackFetch, close: () => dispatcher.close() };
}

/**
 * What every Slack client of the bot is built with (the app's, the no-retry one, the install check): the
 * API URL, retries with backoff, a timeout, and this one pool for every call, response_url replies included.
 */
export function slackTransport(o: { apiUrl?: string; retries: number; timeoutMs: number }) {
  const pool = slackFetch();
  return {
    clientOptions: {
      slackApiUrl: o.apiUrl,
      retryConfig: { retries: o.retries, factor: 2, minTimeout: 250, maxTimeout: 5_000 },
      timeout: o.timeoutMs,
      fetch: pool.fetch,
    },
    close: pool.close,
  };
}
