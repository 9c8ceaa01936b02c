/** Small HTTP helpers for the emulator server: body reading and Slack-style argument parsing. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** WebClient form-encodes and JSON-stringifies object fields; these are the ones Slack decodes. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'file_uploads']);

/** Arguments of a Web API call, from a form body, a JSON body or the query string. */
export function parseArgs(contentType: string | undefined, raw: Buffer, query: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) {
    if (text.trim()) Object.assign(args, JSON.parse(text));
    return args;
  }
  if (contentType?.includes('multipart/form-data')) {
    Object.assign(args, parseMultipartFields(contentType, raw));
  } else if (text) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(text)));
  }
  for (const k of JSON_FIELDS) {
    const v = args[k];
    if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
      try {
        args[k] = JSON.parse(v);
      } catch {
        // Leave it a string; the method answers invalid_arguments / invalid_blocks as Slack would.
      }
    }
  }
  return args;
}

/** Form booleans arrive as "true"/"1". */
export function bool(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

interface Part {
  name: string;
  filename?: string;
  data: Buffer;
}

/** Minimal multipart/form-data parser: enough for WebClient's file upload and form fields. */
export function parseMultipart(contentType: string, raw: Buffer): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return [];
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: Part[] = [];
  let pos = raw.indexOf(boundary);
  while (pos >= 0) {
    const start = pos + boundary.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = raw.indexOf('\r\n\r\n', start);
    const next = raw.indexOf(boundary, headerEnd);
    if (headerEnd < 0 || next < 0) break;
    const headers = raw.subarray(start, headerEnd).toString('utf8');
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    parts.push({ name, filename, data: raw.subarray(headerEnd + 4, next - 2) });
    pos = next;
  }
  return parts;
}

function parseMultipartFields(contentType: string, raw: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parseMultipart(contentType, raw)) if (p.filename === undefined) out[p.name] = p.data.toString('utf8');
  return out;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
