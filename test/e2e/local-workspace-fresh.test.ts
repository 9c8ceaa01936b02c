/** Starting afresh (`npm start -- --fresh`, DR_FRESH=1) deletes DATA_DIR, but only when it is the bot's. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/observability/logger.js';
import { SNAPSHOT_FILE, wipeDataDir } from '../../src/sandbox/local-workspace.js';

const log = createLogger('silent');
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dr-fresh-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('starting afresh', () => {
  it('deletes a PGlite data directory with the messages kept beside it', async () => {
    const dir = join(root, 'data');
    await mkdir(join(dir, 'base'), { recursive: true });
    await writeFile(join(dir, 'PG_VERSION'), '17\n');
    await writeFile(join(dir, SNAPSHOT_FILE), '{}');
    await wipeDataDir(dir, log);
    expect(existsSync(dir)).toBe(false);
  });

  it('is a no-op when there is nothing yet', async () => {
    await expect(wipeDataDir(join(root, 'never-created'), log)).resolves.toBeUndefined();
  });

  it('refuses a directory that is not the bot\'s, and leaves it alone', async () => {
    const dir = join(root, 'home');
    await mkdir(dir);
    await writeFile(join(dir, 'thesis.tex'), 'years of work');
    await expect(wipeDataDir(dir, log)).rejects.toThrow(/does not look like the bot's data directory/);
    expect(existsSync(join(dir, 'thesis.tex'))).toBe(true);
  });
});
