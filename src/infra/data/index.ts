/**
 * The data-recovery adapter: SQL run on the platform database (and on a recovery source) on the
 * procedures' behalf. One short-lived connection per call, like the PostgreSQL adapter: a recovery tool
 * holds no pool on a database that is failing.
 */
import { missingNames } from './names.js';
import { ensureLedger, replayFacts, replayLeft, replayWindow } from './replay.js';

export class DataAdapter {
  readonly replayFacts = replayFacts;
  readonly ensureLedger = ensureLedger;
  readonly replayWindow = replayWindow;
  readonly replayLeft = replayLeft;
  readonly missingNames = missingNames;
}
