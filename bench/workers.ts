/**
 * The load sender and the Slack emulator each run in a worker thread of their own, so that neither
 * shares an event loop with the app being measured: on one loop, the sender's response parsing and the
 * emulator's Web API work would be counted as the app's latency.
 * A tiny request/answer protocol over postMessage connects them to the main thread.
 */
import { parentPort, Worker } from 'node:worker_threads';

type Handler = (args: any) => unknown;

export interface Remote {
  call<T>(op: string, args?: unknown): Promise<T>;
  /** The worker's first message (its "ready" payload). */
  ready: Promise<unknown>;
  terminate(): Promise<void>;
}

/**
 * Starts a TypeScript worker. tsx's loader hooks are not inherited by workers on Node 20, so the worker
 * is a one-line ESM bootstrap that imports the file through tsx's API.
 */
export function startWorker(file: URL): Remote {
  const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(boot, { eval: true });
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let onReady: (v: unknown) => void = () => undefined;
  let failReady: (e: Error) => void = () => undefined;
  const ready = new Promise<unknown>((resolve, reject) => {
    onReady = resolve;
    failReady = reject;
  });
  worker.on('message', (m: { ready?: unknown; id?: number; result?: unknown; error?: string }) => {
    if ('ready' in m) return onReady(m.ready);
    const p = pending.get(m.id!);
    if (!p) return;
    pending.delete(m.id!);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  const failAll = (e: Error): void => {
    failReady(e);
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`worker ${file.pathname} exited with code ${code}`)));
  return {
    ready,
    call: <T>(op: string, args?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, op, args });
      }),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/** Inside a worker: announce `ready`, then answer each op with its handler's result or error. */
export function serve(handlers: Record<string, Handler>, ready: unknown = true): void {
  const port = parentPort!;
  port.on('message', (m: { id: number; op: string; args: unknown }) => {
    void (async () => {
      try {
        const h = handlers[m.op];
        if (!h) throw new Error(`unknown op ${m.op}`);
        port.postMessage({ id: m.id, result: await h(m.args) });
      } catch (e) {
        port.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    })();
  });
  port.postMessage({ ready });
}
