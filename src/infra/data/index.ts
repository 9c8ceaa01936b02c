/**
 * The data-recovery adapter: SQL run on the platform database (and on a recovery source) on the
 * procedures' behalf. One short-lived connection per call, like the PostgreSQL adapter: a recovery tool
 * holds no pool on a database that is failing.
 */
import { missingNames } from './names.js';
import { comparePartners } from './partners-compare.js';
import { copyPartners } from './partners-copy.js';
import { qrCounts } from './qr.js';
import { ensureLedger, replayFacts, replayLeft, replayWindow } from './replay.js';

export class DataAdapter {
  readonly replayFacts = replayFacts;
  readonly ensureLedger = ensureLedger;
  readonly replayWindow = replayWindow;
  readonly replayLeft = replayLeft;
  readonly missingNames = missingNames;
  readonly comparePartners = comparePartners;
  /** Loads pg-copy-streams on first use: most processes never copy anything. */
  readonly copyPartners = copyPartners;
  readonly qrCounts = qrCounts;
}
