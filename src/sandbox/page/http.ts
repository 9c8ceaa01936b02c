/** HTTP plumbing of the local workspace page: JSON in and out, static files, and who may call it. */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** No page may frame this one or load scripts from elsewhere; the page renders whatever people typed. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

export async function serveStatic(res: ServerResponse, name: string): Promise<void> {
  // Only plain file names from the static folder: no path separators, no dot files.
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name) || !TYPES[extname(name)]) return sendJson(res, 404, { error: 'not found' });
  try {
    const body = await readFile(join(STATIC_DIR, name));
    res.writeHead(200, { 'content-type': TYPES[extname(name)]!, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    res.end(body);
  } catch {
    sendJson(res, 404, { error: 'not found' });
  }
}

const MAX_BODY = 256 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        reject(new HttpError(400, 'the body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

const LOOPBACK = /^(localhost|[a-z0-9-]+\.localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * The page drives a bot that may run recovery actions, so another web site must not drive it through
 * the visitor's browser: the Host must be a loopback name (DNS rebinding), a POST must be JSON (a
 * cross-site form cannot send that without a CORS preflight, which is never granted) and an Origin,
 * when sent, must be this very host.
 */
export function refusal(req: IncomingMessage): string | undefined {
  const host = req.headers.host ?? '';
  if (!LOOPBACK.test(host)) return `Host "${host}" is not a loopback address`;
  const origin = req.headers.origin;
  if (origin) {
    try {
      if (new URL(origin).host !== host) return `Origin ${origin} is not this page`;
    } catch {
      return 'bad Origin';
    }
  }
  if (req.method === 'POST' && !(req.headers['content-type'] ?? '').startsWith('application/json')) return 'POST bodies must be application/json';
  return undefined;
}
