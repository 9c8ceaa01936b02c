/**
 * Start-up check of `targets.database.data`: every table and function it names must exist in the platform
 * database, or the bot refuses to start with the names listed (a typo found in the middle of an outage is
 * found too late). A platform database that does not answer at start-up is only logged: the DR bot must
 * start while the database is down, and the plan checks again.
 */
import type { Infra } from '../../infra/index.js';
import type { Logger } from '../../observability/logger.js';
import type { Policy } from '../../policy.js';

export class DataNamesError extends Error {
  constructor(missing: string[], env: string) {
    super(`targets.database.data names what the platform database (${env}) does not have: ${missing.join(', ')}. Fix dr-policy.yml or the database.`);
    this.name = 'DataNamesError';
  }
}

export async function checkDataNames(policy: Policy, infra: Infra, log: Logger): Promise<void> {
  const db = policy.targets.database;
  if (!db?.data) return;
  const env = db.connectionEnv;
  const url = infra.env(env);
  if (!env || !url) {
    log.warn({ env }, 'targets.database.data is set but the platform database URL is not: its names are not checked');
    return;
  }
  const d = db.data;
  let missing: string[];
  try {
    missing = await infra.data.missingNames(url, {
      tables: [...new Set([d.replay.auditTable, d.replay.transactionsTable, ...d.partners.tables, d.partners.partnersTable, d.partners.qrTable])],
      functions: [`${d.replay.function}(jsonb)`],
    });
  } catch (err) {
    log.warn({ err }, 'the platform database does not answer: the names in targets.database.data are checked when a plan is made');
    return;
  }
  if (missing.length) throw new DataNamesError(missing, env);
}
