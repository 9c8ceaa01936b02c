import { failoverDb } from './failover-db/index.js';
import { flushCache } from './recovery/flush-cache.js';
import { recoverService } from './recovery/recover-service.js';
import { replayTransactions } from './recovery/replay-transactions.js';
import { recoverPartners } from './recovery/recover-partners.js';
import { regenerateQr } from './recovery/regenerate-qr.js';
import { restoreDb, restoreDbRepoint } from './recovery/restore-db.js';
import { rollbackDeployment } from './recovery/rollback.js';
import { restartDeployment, scaleDeployment } from './recovery/scale-restart.js';
import type { Runbook } from './types.js';

/** Every guarded action the bot knows, by hand like commands/index.ts. */
export const builtInRunbooks: Runbook[] = [failoverDb, flushCache, scaleDeployment, restartDeployment, rollbackDeployment, restoreDb, restoreDbRepoint, recoverService, replayTransactions, recoverPartners, regenerateQr];
