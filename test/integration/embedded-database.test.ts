import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/observability/logger.js';
import { EMBEDDED_SHARED_BUFFERS, prepareEmbeddedDatabase, writeEmbeddedTemplate } from '../../src/sandbox/embedded-database.js';
import { openPglite } from '../../src/store/db.js';

let dir: string;
const lines: Array<Record<string, unknown>> = [];
const log = createLogger(
  'info',
  new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  }),
);

async function sharedBuffers(dataDir: string): Promise<string> {
  const db = await openPglite(dataDir);
  try {
    return (await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers;
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drbot-embedded-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the local workspace embedded database', () => {
  it("a fresh data directory is unpacked from the build's template, tuned, and left alone on the next start", async () => {
    const template = join(dir, 'template.tar.gz');
    await writeEmbeddedTemplate(template);
    const data = join(dir, 'from-template');
    expect(await prepareEmbeddedDatabase(data, log, template)).toBe('initialised');
    expect(lines.at(-1)).toMatchObject({ msg: 'embedded database initialised', fromTemplate: true, sharedBuffers: EMBEDDED_SHARED_BUFFERS });
    expect(await sharedBuffers(data)).toBe(EMBEDDED_SHARED_BUFFERS);
    expect(await prepareEmbeddedDatabase(data, log, template)).toBe('ready');
  }, 120_000);

  it('a template that does not load (a stale or broken build) falls back to initialising from scratch', async () => {
    const broken = join(dir, 'broken.tar.gz');
    await writeFile(broken, 'not a tar');
    const data = join(dir, 'fallback');
    expect(await prepareEmbeddedDatabase(data, log, broken)).toBe('initialised');
    expect(lines.find((l) => l.msg === 'the embedded database template did not load; initialising instead')).toBeDefined();
    expect(lines.at(-1)).toMatchObject({ msg: 'embedded database initialised', fromTemplate: false });
    expect(await sharedBuffers(data)).toBe(EMBEDDED_SHARED_BUFFERS);
  }, 120_000);
});
