/**
 * HTTP routing of the emulator: `/api/<method>` (Slack's Web API, JSON answers with HTTP 200 even for
 * errors), `/upload/<file_id>` (upload v2 byte sink) and `/response/<id>` (response_url posts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultQueue } from './faults.js';
import { parseArgs, parseMultipart, readBody, sendJson, sendText } from './http-util.js';
import type { ApiContext } from './methods/context.js';
import { METHODS } from './methods/index.js';
import { storeUpload } from './methods/files.js';
import { handleResponsePost } from './response-url.js';
import type { CallRecord } from './types.js';
import { SlackApiError } from './types.js';
import { METHOD_SCOPES } from '../slack/scopes.js';
import { missingScope } from './methods/access.js';
import type { RateLimiter } from './rate-limits.js';

/** Every scope a method accepts, as Slack's x-accepted-oauth-scopes header lists them. */
function acceptedScopes(method: string): string {
  const s = METHOD_SCOPES[method];
  return s ? [...new Set([...(s.any ?? []), ...(s.public ?? []), ...(s.private ?? []), ...(s.im ?? [])])].join(',') : '';
}

export interface ApiDeps {
  context(): ApiContext;
  botToken: string;
  latencyMs(): number;
  /** Delay after acting, before answering, by method: the call takes effect but the caller may time out first. */
  answerDelayMs?(method: string): number;
  faults: FaultQueue;
  /** Slack's documented rate limits, when the emulator enforces them (off by default). */
  rateLimiter?(): RateLimiter | undefined;
  record(call: CallRecord): void;
}

function tokenOf(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return typeof args.token === 'string' ? args.token : undefined;
}

async function handleApi(deps: ApiDeps, method: string, req: IncomingMessage, res: ServerResponse, raw: Buffer, query: URLSearchParams): Promise<void> {
  const at = Date.now();
  let args: Record<string, unknown>;
  try {
    args = parseArgs(req.headers['content-type'], raw, query);
  } catch {
    args = {};
  }
  const { token: _token, ...recorded } = args;
  const finish = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
    deps.record({ method, args: recorded, at, ok: body.ok === true, ...(body.ok === true ? {} : { error: String(body.error) }) });
    const late = deps.answerDelayMs?.(method) ?? 0;
    if (late > 0) setTimeout(() => !res.destroyed && sendJson(res, status, body, headers), late).unref();
    else sendJson(res, status, body, headers);
  };
  const latency = deps.latencyMs();
  if (latency > 0) await sleep(latency);

  const fault = deps.faults.take(method);
  if (fault) {
    const a = FaultQueue.answer(fault);
    return finish(a.status, a.body, a.headers);
  }
  const token = tokenOf(req, args);
  if (!token) return finish(200, { ok: false, error: 'not_authed' });
  if (token !== deps.botToken) return finish(200, { ok: false, error: 'invalid_auth' });
  const spec = METHODS[method];
  if (!spec) return finish(200, { ok: false, error: 'unknown_method' });
  // Past the method's tier (or a channel's one post a second) Slack refuses the call and does nothing.
  const retryAfter = deps.rateLimiter?.()?.check(method, typeof args.channel === 'string' ? args.channel : undefined);
  if (retryAfter !== undefined) return finish(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': String(retryAfter) });
  const ctx = deps.context();
  // Like Slack: every answer to a valid token says which scopes it carries and which the method accepts.
  const scopeHeaders = { 'x-oauth-scopes': [...ctx.scopes].join(','), 'x-accepted-oauth-scopes': acceptedScopes(method) };
  const lacking = (METHOD_SCOPES[method]?.any ?? []).find((s) => !ctx.scopes.has(s));
  if (lacking) return finish(200, { ok: false, error: 'missing_scope', ...missingScope(ctx, lacking).extra }, scopeHeaders);
  for (const [name, error] of Object.entries(spec.required ?? {})) {
    const v = args[name];
    if (v === undefined || v === null || v === '') return finish(200, { ok: false, error, ...(error === 'invalid_arguments' ? { errors: [`missing required field: ${name}`] } : {}) }, scopeHeaders);
  }
  try {
    finish(200, { ok: true, ...spec.run(ctx, args) }, scopeHeaders);
  } catch (e) {
    if (e instanceof SlackApiError) return finish(200, { ok: false, error: e.code, ...e.extra }, scopeHeaders);
    finish(200, { ok: false, error: 'internal_error', detail: String(e) }, scopeHeaders);
  }
}

/** The request listener for the emulator's HTTP server. */
export function createApiListener(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const raw = await readBody(req);
      const [, kind, id] = url.pathname.split('/');
      if (kind === 'api' && id) return handleApi(deps, decodeURIComponent(id), req, res, raw, url.searchParams);
      if (req.method === 'POST' && kind === 'upload' && id) {
        // WebClient sends the bytes as a multipart file part; curl-style raw bodies work too.
        const ct = req.headers['content-type'] ?? '';
        const bytes = ct.includes('multipart/form-data') ? (parseMultipart(ct, raw)[0]?.data ?? Buffer.alloc(0)) : raw;
        const ok = storeUpload(deps.context().state, id, bytes);
        return ok ? sendText(res, 200, `OK - ${bytes.length}`) : sendText(res, 404, 'file_not_found');
      }
      if (req.method === 'POST' && kind === 'response' && id) {
        const ctx = deps.context();
        const target = ctx.tokens.useResponseUrl(id);
        if (!target) return sendText(res, 404, 'used_url');
        const a = handleResponsePost(ctx, target, raw.toString('utf8'));
        return typeof a.body === 'string' ? sendText(res, a.status, a.body) : sendJson(res, a.status, a.body);
      }
      sendText(res, 404, 'not found');
    })().catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(e) });
    });
  };
}
