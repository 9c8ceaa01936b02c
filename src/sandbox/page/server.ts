/**
 * The local workspace page's routes, mounted on the emulator's port:
 *   GET  /                 the page (static/index.html), GET /static/<file> its scripts and styles
 *   GET  /ws/meta          people to act as, the bot's commands (for completion), the default channel
 *   GET  /ws/state         ?user=U…&channel=C… what that person sees (see state.ts)
 *   GET  /ws/events        server-sent "change" events
 *   POST /ws/command|click|submit|close   what the person did (see actions.ts)
 *   GET  /healthz, /metrics  the bot's own, proxied, so a probe of the one public port checks the bot
 *   GET  /archives/<channel>/p<ts>  the emulator's permalinks (chat.getPermalink) open that message here
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { DemoPerson } from '../demo-workspace.js';
import type { MountedHandler, SlackEmulator } from '../emulator.js';
import { click, close, runCommand, submit, type ActionDeps, type PageCommand } from './actions.js';
import { ChangeStream } from './events.js';
import { HttpError, readJson, refusal, sendJson, serveStatic } from './http.js';
import { pageState } from './state.js';
import { estateRoutes, type EstateControls } from './estate.js';

export interface PageOptions {
  emulator: SlackEmulator;
  commands: PageCommand[];
  people: readonly DemoPerson[];
  defaultChannel: string;
  /** Where the bot listens, e.g. http://127.0.0.1:40123 (for /healthz and /metrics). */
  botUrl: () => string | undefined;
  /** The simulated estate, for the "Break something" menu and its status panel. */
  estate?: EstateControls;
  onError?: (err: unknown) => void;
}

export interface Page {
  handler: MountedHandler;
  close(): void;
}

const POSTS: Record<string, (d: ActionDeps, body: unknown) => Promise<unknown>> = { command: runCommand, click, submit, close };

export function createPage(o: PageOptions): Page {
  const events = new ChangeStream(o.emulator);
  const roots = [...new Set(o.commands.map((c) => c.root))];
  const deps: ActionDeps = { emulator: o.emulator, roots: () => roots };
  const meta = {
    workspace: 'BOOM Card (local)',
    people: o.people,
    commands: o.commands,
    roots,
    faults: o.estate?.faults() ?? [],
    defaultChannel: o.emulator.channel(o.defaultChannel).id,
    botUserId: o.emulator.botUserId,
  };

  const estate = estateRoutes(o.emulator, o.estate, meta.defaultChannel);

  async function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const why = refusal(req);
    if (why) return sendJson(res, 403, { error: why });
    if (req.method === 'GET') {
      if (path === '/' || path === '/index.html') return serveStatic(res, 'index.html');
      if (path.startsWith('/static/')) return serveStatic(res, path.slice('/static/'.length));
      if (path === '/ws/meta') return sendJson(res, 200, meta);
      const link = /^\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})$/.exec(path);
      if (link) {
        res.writeHead(302, { location: `/?${new URLSearchParams({ channel: link[1]!, msg: `${link[2]}.${link[3]}` })}` });
        return void res.end();
      }
      if (path === '/ws/events') return events.attach(req, res);
      const file = /^\/ws\/files\/([A-Z0-9]+)$/.exec(path);
      if (file) return sendFile(res, o.emulator, file[1]!);
      if (path === '/ws/estate') return sendJson(res, 200, estate.status());
      if (path === '/ws/state') {
        const user = query.get('user') ?? o.people[0]!.id;
        if (!o.emulator.users.has(user)) throw new HttpError(400, `no user ${user}`);
        try {
          return sendJson(res, 200, pageState(o.emulator, user, query.get('channel') || meta.defaultChannel, events.revision));
        } catch (e) {
          throw new HttpError(404, e instanceof Error ? e.message : String(e));
        }
      }
    }
    const action = /^\/ws\/([a-z]+)$/.exec(path)?.[1];
    if (req.method === 'POST' && action === 'break') return sendJson(res, 200, estate.break(await readJson(req)));
    if (req.method === 'POST' && action && POSTS[action]) return sendJson(res, 200, await POSTS[action](deps, await readJson(req)));
    sendJson(res, 404, { error: `no route ${req.method} ${path}` });
  }

  const handler: MountedHandler = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://page');
    const path = url.pathname;
    // The emulator's own routes: /api/ (the bot's Web API), /upload/, /response/.
    if (/^\/(api|upload|response)\//.test(path)) return false;
    if (path === '/healthz' || path === '/metrics') {
      proxy(o.botUrl(), path, res);
      return true;
    }
    route(req, res, path, url.searchParams).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message });
      o.onError?.(err);
      sendJson(res, 500, { error: 'the local workspace failed; see its log' });
    });
    return true;
  };

  return { handler, close: () => events.close() };
}

/** A shared file's whole content, as a download with its own name. */
function sendFile(res: ServerResponse, emulator: SlackEmulator, id: string): void {
  const f = emulator.allMessages().flatMap((m) => m.files ?? []).find((x) => x.id === id);
  if (!f) return sendJson(res, 404, { error: `no file ${id}` });
  const type = f.name.endsWith('.md') ? 'text/markdown' : 'text/plain';
  res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'content-disposition': `attachment; filename="${f.name.replace(/[^\w.-]/g, '_')}"`, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(f.content);
}

/** Forwards a GET to the bot and its answer back; 503 when the bot is not (yet) listening. */
function proxy(base: string | undefined, path: string, res: ServerResponse): void {
  if (!base) return sendJson(res, 503, { ok: false, error: 'the bot is not listening yet' });
  const up = http.get(`${base}${path}`, { agent: false, timeout: 5_000 }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json', 'cache-control': 'no-store' });
    answer.pipe(res);
  });
  up.on('timeout', () => up.destroy(new Error('timeout')));
  up.on('error', (err) => {
    if (!res.headersSent) sendJson(res, 502, { ok: false, error: `the bot did not answer: ${err.message}` });
    else res.end();
  });
}
