import { exportPostmortem } from './comms/export.js';
import { loadConfig } from './config.js';
import { parseIncidentRef } from './core/incident.js';
import { openDatabase } from './app.js';
import { createLogger } from './observability/logger.js';
import { loadPolicy } from './policy.js';
import { Store } from './store/index.js';
import { migrate } from './store/migrate.js';

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
    process.stdout.write(markdown);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
