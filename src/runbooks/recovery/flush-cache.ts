/**
 * `/dr flush-cache [db]` (the procedures' "Clear corrupted cache": `redis-cli FLUSHDB`): empties ONE database
 * of the platform Redis, counting its keys before and after. Destructive, so the two-person rule applies.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { Policy } from '../../policy.js';
import type { Runbook, RunbookContext } from '../types.js';
import { missingVariable } from '../target-hints.js';

export interface FlushArgs {
  db?: number;
}

interface FlushPlan {
  db: number;
  urlEnv: string;
  keys: number;
}

export function redisTarget(policy: Policy): NonNullable<Policy['targets']['redis']> {
  const r = policy.targets.redis;
  if (!r) throw new UserError('The policy has no Redis target (`targets.redis` in dr-policy.yml), so there is no cache to flush.');
  return r;
}

/** `13` → 13; anything but a whole number 0–15 (Redis' default database count) is refused. */
export function parseDbNumber(word: string): number {
  if (!/^\d{1,2}$/.test(word) || Number(word) > 15) throw new UserError(`"${escapeMrkdwn(word)}" is not a Redis database number (0–15).`);
  return Number(word);
}

function redisUrl(ctx: RunbookContext, env: string): string {
  const url = ctx.infra.env(env);
  if (!url) throw missingVariable(env, 'targets.redis.urlEnv', 'how to reach the platform Redis');
  return url;
}

export const flushCache: Runbook<FlushArgs, FlushPlan> = {
  id: 'flush-cache',
  title: 'Flush the cache',
  destructive: true,
  requestRoles: [INCIDENT_COMMANDER, 'infrastructure_engineer', 'technical_lead'],
  approveRoles: [INCIDENT_COMMANDER, 'infrastructure_engineer', 'technical_lead'],
  async plan(ctx, args) {
    const r = redisTarget(ctx.policy);
    const db = args.db ?? r.db;
    let keys: number;
    try {
      keys = await ctx.infra.redis.dbSize(redisUrl(ctx, r.urlEnv), db);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`Redis does not answer (${escapeMrkdwn((err as Error).message)}), so nothing was planned.`);
    }
    const data: FlushPlan = { db, urlEnv: r.urlEnv, keys };
    return {
      target: `redis/${db}`,
      summary: `FLUSHDB on Redis database ${db}: every key in it is deleted (the other databases are not touched). The apps refill the cache from the database.`,
      facts: [
        ['Redis', `database ${db} (${r.urlEnv})`],
        ['Keys now', String(keys)],
      ],
      warnings: keys === 0 ? [`Database ${db} is already empty: flushing it changes nothing. Is it the right number?`] : [],
      data,
      // The key count moves every second on a live cache; which database, and whether it is empty, does not.
      fingerprint: { redis: r.urlEnv, db, empty: keys === 0 },
    };
  },
  steps(plan) {
    const d = plan.data;
    return [
      {
        id: 'flush',
        title: `FLUSHDB on Redis database ${d.db}`,
        async run(ctx) {
          const r = await ctx.infra.redis.flushDb(redisUrl(ctx, d.urlEnv), d.db);
          ctx.state.after = r.after;
          return `${r.before} keys before, ${r.after} after`;
        },
      },
      {
        id: 'verify',
        title: 'Verify Redis answers',
        async run(ctx) {
          const url = redisUrl(ctx, d.urlEnv);
          const pong = await ctx.infra.redis.ping(url);
          const keys = await ctx.infra.redis.dbSize(url, d.db);
          return `PING → ${pong}; database ${d.db} holds ${keys} keys now (the apps refill it)`;
        },
      },
    ];
  },
};
