import type { CommandDef } from '../src/slack/command.js';
import assign from './incident/assign.js';
import close from './incident/close.js';
import comms from './incident/comms.js';
import declare from './incident/declare.js';
import help from './incident/help.js';
import level from './incident/level.js';
import list from './incident/list.js';
import resolve from './incident/resolve.js';
import remind from './incident/remind.js';
import status from './incident/status.js';
import timeline from './incident/timeline.js';
import update from './incident/update.js';
import page from './incident/page.js';
import oncallHelp from './oncall/help.js';
import oncallOverride from './oncall/override.js';
import oncallShow from './oncall/show.js';
import drFailoverDb from './dr/failover-db.js';
import drHealth from './dr/health.js';
import drFlushCache from './dr/flush-cache.js';
import drVerifyIntegrity from './dr/verify-integrity.js';
import drScale from './dr/scale.js';
import drRestart from './dr/restart.js';
import drRollback from './dr/rollback.js';
import drRestoreDb from './dr/restore-db.js';
import drVerifyBackup from './dr/verify-backup.js';

/** Every command the bot has, listed by hand so that nothing is loaded by accident. */
export const commands: CommandDef<any>[] = [declare, update, assign, level, status, list, resolve, close, remind, comms, timeline, page, help, drHealth, drFailoverDb, drFlushCache, drVerifyIntegrity, drScale, drRestart, drRollback, drRestoreDb, drVerifyBackup, oncallShow, oncallOverride, oncallHelp];
