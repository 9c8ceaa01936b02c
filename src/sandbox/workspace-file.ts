/**
 * Keeps the emulator's messages in a JSON file next to the bot's embedded database, so that after a
 * restart #incident-response still shows the cards the bot stored the ts of (and can edit them).
 * Written a moment after changes settle and once more on stop; atomically (temp file + rename).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SlackEmulator, WorkspaceSnapshot } from './emulator.js';

const SAVE_AFTER_MS = 250;

export class WorkspaceFile {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    readonly path: string,
    private readonly emulator: SlackEmulator,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Restores what the file holds; a missing file is a fresh workspace, a broken one is reported and set aside. */
  async load(): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return 0;
    }
    try {
      const snap = JSON.parse(text) as WorkspaceSnapshot;
      this.emulator.restore(snap);
      return snap.messages.length;
    } catch (err) {
      this.onError(err);
      await rename(this.path, `${this.path}.broken-${Date.now()}`).catch(() => undefined);
      return 0;
    }
  }

  watch(): void {
    this.emulator.on('change', this.onChange);
  }

  private readonly onChange = (): void => {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, SAVE_AFTER_MS);
  };

  /** Writes now if anything changed; writes never overlap, so the newest state lands last. */
  save(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const tmp = `${this.path}.tmp`;
      try {
        await mkdir(dirname(this.path), { recursive: true });
        await writeFile(tmp, JSON.stringify(this.emulator.snapshot()));
        await rename(tmp, this.path);
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    this.emulator.off('change', this.onChange);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
  }
}
