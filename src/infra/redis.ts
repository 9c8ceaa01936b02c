/** Redis as a recovery target: PING for /dr health, DBSIZE + FLUSHDB for /dr flush-cache. */
import type { Redis } from 'ioredis';

/**
 * One connection per check, no retries and no offline queue: a dead Redis must fail fast, not hang.
 * ioredis is loaded at the first check, not at start-up: most processes never touch Redis, and loading it
 * costs ~20 MB of resident memory and a few hundred ms of a cold start.
 */
async function connectOnce(url: string, timeoutMs: number, db?: number): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { ...(db === undefined ? {} : { db }), lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined); // reported through the rejected promise
  return client;
}

export class RedisAdapter {
  async ping(url: string, timeoutMs = 4_000): Promise<string> {
    const client = await connectOnce(url, timeoutMs);
    try {
      await client.connect();
      return await client.ping();
    } finally {
      client.disconnect();
    }
  }

  /**
   * `SELECT db` + `DBSIZE` + `FLUSHDB` + `DBSIZE` on one connection, so only that database is emptied and
   * the counts are of the same one. `FLUSHDB` without ASYNC: the "after" count is then the real one.
   */
  async flushDb(url: string, db: number, timeoutMs = 10_000): Promise<{ before: number; after: number }> {
    const client = await connectOnce(url, timeoutMs, db);
    try {
      await client.connect();
      const before = await client.dbsize();
      await client.flushdb();
      return { before, after: await client.dbsize() };
    } finally {
      client.disconnect();
    }
  }

  /** `DBSIZE` of one database: the plan's "keys now". */
  async dbSize(url: string, db: number, timeoutMs = 4_000): Promise<number> {
    const client = await connectOnce(url, timeoutMs, db);
    try {
      await client.connect();
      return await client.dbsize();
    } finally {
      client.disconnect();
    }
  }

  /** Keyspace hits and misses since the server started (INFO stats): the cache hit rate of the checklist. */
  async hitRate(url: string, timeoutMs = 4_000): Promise<{ hits: number; misses: number }> {
    const client = await connectOnce(url, timeoutMs);
    try {
      await client.connect();
      const info = await client.info('stats');
      const read = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      return { hits: read('keyspace_hits'), misses: read('keyspace_misses') };
    } finally {
      client.disconnect();
    }
  }
}
