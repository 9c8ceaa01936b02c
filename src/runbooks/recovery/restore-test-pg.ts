/**
 * The restore test for self-managed PostgreSQL (`provider: postgres`), in the phases of restore-test.ts:
 * `start` (the newest pg_dump in `backupDir`; refuses a restore server that is the production database, or a
 * scratch database of production's name on production's server, or one that already exists), `restoring`
 * (CREATE DATABASE, pg_restore, the integrity SQL), `deleting` (DROP DATABASE), `done`. A pg_restore is one
 * child process: a restart cannot resume it, so `restoring` starts over (drop, create, restore) and counts its
 * tries; the job's lease is renewed while it runs so no other replica takes the job meanwhile.
 */
import { redactUrls } from '../../core/redact.js';
import { newestDump, pgRestore } from '../../infra/pg-dump.js';
import { checkIntegrity, integritySummary } from './integrity.js';
import type { PhaseDeps, RestoreTestState } from './restore-test.js';

const msg = (err: unknown) => redactUrls((err as Error)?.message ?? String(err));
const MAX_TRIES = 3;

/** The scratch database's URL: the restore server's URL with the scratch name as its database. */
const scratchUrl = (server: string, name: string) => {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
};

export async function restoreTestPgPhase(d: PhaseDeps, s: RestoreTestState): Promise<RestoreTestState> {
  const db = d.policy.targets.database!;
  const cfg = db.restoreTest!;
  const pgx = d.infra.postgres;
  const server = d.infra.env(cfg.connectionEnv);
  const now = d.now.getTime();
  if (s.phase === 'done') return s;
  if (!server) return { ...s, phase: 'done', ok: false, detail: `${s.detail ? `${s.detail}; ` : ''}the restore server's variable ${cfg.connectionEnv} is not set`, deleted: s.phase === 'start' };
  switch (s.phase) {
    case 'start': {
      const base: RestoreTestState = { phase: 'start', startedAt: d.now.toISOString() };
      const stop = (detail: string): RestoreTestState => ({ ...base, phase: 'done', ok: false, detail, deleted: true });
      let dump;
      try {
        dump = await newestDump(cfg.backupDir!);
      } catch (err) {
        return stop(`the backup directory ${cfg.backupDir} cannot be read (${(err as NodeJS.ErrnoException).code ?? msg(err)})`);
      }
      if (!dump) return stop(`${cfg.backupDir} has no pg_dump (custom or directory format): nothing to restore (is the backup running?)`);
      const at = { ...base, snapshot: dump.name, dataAgeMs: now - dump.writtenAt.getTime() };
      try {
        // Never production: not its database, nor a database of its name on its server (the test drops the scratch).
        const prodUrl = d.infra.env(db.connectionEnv);
        const restore = await pgx.identity(server);
        if (prodUrl) {
          const prod = await pgx.identity(prodUrl);
          const [prodName, , prodStarted] = prod.split('|');
          if (restore === prod || (restore.split('|')[2] === prodStarted && prodName === cfg.database)) {
            return { ...at, phase: 'done', ok: false, detail: `refused: the scratch database ${cfg.database} would be the production database itself (same server, same database); point ${cfg.connectionEnv} at a restore server or name another restoreTest.database`, deleted: true };
          }
        }
        if (await pgx.databaseExists(server, cfg.database)) {
          return { ...at, phase: 'done', ok: false, detail: `the scratch database ${cfg.database} already exists (an earlier test left it?); not touched: drop it or name another in restoreTest.database`, deleted: false };
        }
      } catch (err) {
        return { ...at, phase: 'done', ok: false, detail: `the restore server does not answer SQL: ${msg(err)}`, deleted: true };
      }
      const next: RestoreTestState = { ...at, phase: 'restoring', tries: 0 };
      await d.checkpoint(next);
      return next;
    }
    case 'restoring': {
      const tries = (s.tries ?? 0) + 1;
      if (tries > MAX_TRIES) return { ...s, phase: 'deleting', ok: false, detail: `pg_restore was interrupted ${MAX_TRIES} times (the bot restarted while it ran)` };
      const attempt: RestoreTestState = { ...s, tries, restoreSentAt: d.now.toISOString() };
      await d.checkpoint(attempt);
      const url = scratchUrl(server, cfg.database);
      const t0 = performance.now();
      try {
        // From nothing each try: what an interrupted pg_restore left is ours (start checked the name was free).
        await pgx.dropDatabase(server, cfg.database);
        await pgx.createDatabase(server, cfg.database);
        await pgRestore({ dump: `${cfg.backupDir}/${s.snapshot}`, url, binDir: d.infra.env(cfg.pgBinEnv), beat: d.renew });
      } catch (err) {
        return { ...attempt, phase: 'deleting', ok: false, detail: `the restore failed: ${msg(err)}` };
      }
      const restored = { ...attempt, restoreMs: Math.round(performance.now() - t0) };
      try {
        const r = integritySummary((await checkIntegrity(d.policy, d.infra, url)).results);
        return { ...restored, phase: 'deleting', ok: r.ok, detail: r.text };
      } catch (err) {
        return { ...restored, phase: 'deleting', ok: false, detail: `the restored database does not answer SQL: ${msg(err)}` };
      }
    }
    case 'deleting': {
      try {
        await pgx.dropDatabase(server, cfg.database);
        return { ...s, phase: 'done', deleted: true };
      } catch (err) {
        return { ...s, phase: 'done', ok: false, detail: `${s.detail}; dropping ${cfg.database} failed (${msg(err)})`, deleted: false };
      }
    }
  }
}
