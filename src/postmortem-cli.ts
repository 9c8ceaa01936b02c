import { exportPostmortem } from './comms/export.js';
import { loadConfig } from './config.js';
import { parseIncidentRef } from './core/incident.js';
import { openDatabase } from './app.js';
import { createLogger } from './observability/logger.js';
import { loadPolicy } from './policy.js';
import { Store } from './store/index.js';
import { migrate } from './store/migrate.js';
import { userIdsIn, withNames } from './comms/names.js';
import type { Config } from './config.js';

/** `npm run postmortem -- INC-n`: the same markdown `/incident timeline` uploads, on stdout. */
async function main(): Promise<number> {
  const id = parseIncidentRef(process.argv[2] ?? '');
  if (id === undefined) {
    process.stderr.write('usage: npm run postmortem -- INC-<n>\n');
    return 2;
  }
  const config = loadConfig();
  const db = await openDatabase(config, createLogger('silent'));
  try {
    await migrate(db);
    const markdown = await exportPostmortem(new Store(db), loadPolicy(config.DR_POLICY), id, new Date());
    if (!markdown) {
      process.stderr.write(`INC-${id} does not exist in ${config.DATABASE_URL ? 'DATABASE_URL' : config.DATA_DIR}\n`);
      return 1;
    }
    process.stdout.write(withNames(markdown, await directory(config, userIdsIn(markdown))));
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * Who the ids are: the local workspace's people when no Slack is configured, else Slack's users.info
 * (best effort: an id Slack cannot name stays an id).
 */
async function directory(config: Config, ids: string[]): Promise<Map<string, string>> {
  if (config.mode === 'sandbox') {
    const { DEMO_PEOPLE } = await import('./sandbox/demo-workspace.js');
    return new Map(DEMO_PEOPLE.map((p) => [p.id, p.name]));
  }
  const { WebClient } = await import('@slack/web-api');
  const slack = new WebClient(config.SLACK_BOT_TOKEN, { slackApiUrl: config.SLACK_API_URL, retryConfig: { retries: 0 }, timeout: 5_000 });
  const found = await Promise.all(ids.map((id) => slack.users.info({ user: id }).then((r) => [id, r.user?.name] as const, () => [id, undefined] as const)));
  return new Map(found.filter((f): f is readonly [string, string] => Boolean(f[1])));
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
