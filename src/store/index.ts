import type { Database } from './db.js';
import { ChecklistStore } from './checklist.js';
import { IncidentStore } from './incidents.js';
import { listTimeline } from './timeline.js';

/** Everything the bot keeps, behind one object the composition root hands to commands. */
export class Store {
  readonly incidents: IncidentStore;
  readonly checklist: ChecklistStore;
  constructor(readonly db: Database) {
    this.incidents = new IncidentStore(db);
    this.checklist = new ChecklistStore(db);
  }
  timeline(incidentId: number) {
    return listTimeline(this.db, incidentId);
  }
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }
}
