/** Whether the tables and functions a policy names exist in a database (to_regclass / to_regprocedure: no error for a missing name). */
import { connect } from './replay.js';
import type { SqlTarget } from '../sql-access.js';

/** The names that do NOT exist, as written (`replay_transaction(jsonb)` for a function). */
export async function missingNames(url: SqlTarget, o: { tables: string[]; functions: string[] }): Promise<string[]> {
  const c = await connect(url, 10_000);
  try {
    const missing: string[] = [];
    for (const t of o.tables) if ((await c.query('SELECT to_regclass($1) IS NULL AS gone', [t])).rows[0].gone) missing.push(`table ${t}`);
    for (const f of o.functions) if ((await c.query('SELECT to_regprocedure($1) IS NULL AS gone', [f])).rows[0].gone) missing.push(`function ${f}`);
    return missing;
  } finally {
    await c.end().catch(() => undefined);
  }
}
