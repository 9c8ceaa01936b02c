/**
 * Waiting on the emulator's state: the probe is re-checked on every change (and every 50 ms, for probes of
 * things outside the state), so a test waits exactly as long as the bot takes and no longer.
 */
import type { EventEmitter } from 'node:events';

export function waitForChange<T>(changes: EventEmitter, probe: () => T | undefined | null | false, timeoutMs: number, describe: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let lastError: unknown;
    const check = (): void => {
      try {
        const v = probe();
        if (v !== undefined && v !== null && v !== false) {
          cleanup();
          resolve(v);
        }
      } catch (e) {
        lastError = e; // e.g. the channel does not exist yet
      }
    };
    const poll = setInterval(check, 50);
    const timer = setTimeout(() => {
      cleanup();
      const why = lastError ? `\nlast probe error: ${String(lastError)}` : '';
      reject(new Error(`waitFor timed out after ${timeoutMs} ms: ${probe.toString().slice(0, 300)}${why}\n${describe()}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearInterval(poll);
      clearTimeout(timer);
      changes.off('change', check);
    };
    changes.on('change', check);
    check();
  });
}
