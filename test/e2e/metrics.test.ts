import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../helpers/eventually.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const scrape = async () => (await fetch(`http://127.0.0.1:${h.port}/metrics`)).text();

describe('/metrics in the Prometheus format', () => {
  it('counts open incidents by level from the database, commands by outcome, and scheduler timings', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Complete platform outage');
    await h.run(PEOPLE.alice, '/incident', 'declare L3 DR drill --drill');
    await h.run(PEOPLE.alice, '/incident', 'declare L9 nope');
    await h.emulator.waitFor(() => h.cards().length === 2 || undefined);
    // Counters move when a handler finishes, a moment after the card is out.
    const text = await eventually(async () => {
      const t = await scrape();
      return /drbot_commands_total\{command="incident declare",outcome="ok"\} 2/.test(t) ? t : undefined;
    });
    expect(text).toContain('# TYPE drbot_incidents_open gauge');
    expect(text).toContain('drbot_incidents_open{level="L1",drill="false"} 1');
    expect(text).toContain('drbot_incidents_open{level="L2",drill="false"} 0');
    expect(text).toContain('drbot_incidents_open{level="L3",drill="true"} 1');
    expect(text).toMatch(/drbot_commands_total\{command="incident declare",outcome="ok"\} 2/);
    expect(text).toMatch(/drbot_commands_total\{command="incident",outcome="rejected"\} 1/);
    expect(text).toContain('# TYPE drbot_scheduler_claim_seconds histogram');
    expect(text).toContain('process_resident_memory_bytes');
  });
});
