/**
 * The demo workspace: #incident-response, #general and the people whose ids `dr-policy.yml` puts in its
 * teams, so that the local workspace and the tests act as people the policy knows (core team, DBA...).
 */
import type { SlackEmulator } from './emulator.js';

export const PEOPLE = {
  alice: 'U0IC00001', // core team: an incident commander
  dmitri: 'U0DBA0001', // DBA
  georgi: 'U0COM0001', // communications
  maria: 'U0MGR0001', // management
  ivan: 'U0INF0001', // infrastructure
} as const;

/** Who posts the simulated estate's alerts ("Break something"). */
export const MONITORING = 'U0MONITOR1';

export const CHANNELS = { incidents: 'C0INCIDENT', general: 'C0GENERAL' } as const;

export interface DemoPerson {
  id: string;
  name: string;
  real_name: string;
  /** What the person does in the demo, shown in the page's person switch. */
  title: string;
}

/** In the order the page offers them; the first is who you are on a first visit. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: PEOPLE.alice, name: 'alice', real_name: 'Alice Ivanova', title: 'Incident Commander (core team)' },
  { id: PEOPLE.dmitri, name: 'dmitri', real_name: 'Dmitri Petrov', title: 'Database Administrator' },
  { id: PEOPLE.georgi, name: 'georgi', real_name: 'Georgi Georgiev', title: 'Communications Coordinator' },
  { id: PEOPLE.maria, name: 'maria', real_name: 'Maria Dimitrova', title: 'Manager' },
  { id: PEOPLE.ivan, name: 'ivan', real_name: 'Ivan Kolev', title: 'Infrastructure Engineer' },
];

export function seedWorkspace(emulator: SlackEmulator): void {
  emulator.addChannel({ id: CHANNELS.incidents, name: 'incident-response' });
  emulator.addChannel({ id: CHANNELS.general, name: 'general' });
  for (const p of DEMO_PEOPLE) emulator.addUser({ id: p.id, name: p.name, real_name: p.real_name });
  emulator.addUser({ id: 'U0ROBOT01', name: 'deploybot', real_name: 'Deploy Bot', is_bot: true });
  emulator.addUser({ id: MONITORING, name: 'monitoring', real_name: 'Monitoring (simulated estate)', is_bot: true });
}
