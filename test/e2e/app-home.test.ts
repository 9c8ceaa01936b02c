import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { blockText } from '../helpers/slack-views.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('the App Home tab', () => {
  it('opening it publishes the open incidents, most severe first, with links to their cards', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Analytics engine failure');
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Payments failing <at> checkout');
    await h.emulator.waitFor(() => h.cards().length === 2 || undefined);
    const r = await h.emulator.sendEvent({ type: 'app_home_opened', user: PEOPLE.dmitri, channel: 'D0DMITRI', tab: 'home' });
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(1_000);
    const home = await h.emulator.waitFor(() => h.emulator.home(PEOPLE.dmitri));
    const text = blockText(home as never);
    expect(text).toContain('2 open incidents');
    expect(text.indexOf('INC-2')).toBeLessThan(text.indexOf('INC-1'));
    expect(text).toContain('/archives/C0INCIDENT/p');
    expect(text).toContain('L2 High* — within 15 min; Core team + Management');
  });

  it('the messages tab does not publish anything', async () => {
    await h.emulator.sendEvent({ type: 'app_home_opened', user: PEOPLE.maria, channel: 'D0MARIA', tab: 'messages' });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.emulator.home(PEOPLE.maria)).toBeUndefined();
  });
});
