import { describe, expect, it } from '@jest/globals';
import { DRILL_BANNER, findPlaceholders, placeholderWarnings, withDrillBanner } from '../../src/comms/drill-safety.js';
import { loadPolicy } from '../../src/policy.js';

describe('drill-safe drafts', () => {
  const policy = loadPolicy('dr-policy.yml');

  it('a drill draft starts with the DRILL banner; a real one does not', () => {
    expect(withDrillBanner('Dear Partner,\n', true).startsWith(`${DRILL_BANNER}\n\n`)).toBe(true);
    expect(withDrillBanner('Dear Partner,\n', false)).toBe('Dear Partner,\n');
  });

  it('finds XXX runs, […] / [...] and [TBD], and names the policy key a placeholder came from', () => {
    const text = 'Dear Partner,\nPhone: +359 2 XXX XXXX\nWe expect [...] by noon\nOwner: [TBD]\nSee [x] done\nBoxes [ ] fine\n';
    const found = findPlaceholders(text, policy);
    expect(found).toEqual([
      { line: 'Phone: +359 2 XXX XXXX', policyKey: 'contacts.partnersPhone' },
      { line: 'We expect [...] by noon' },
      { line: 'Owner: [TBD]' },
    ]);
    expect(placeholderWarnings(found)[0]).toBe('Placeholder to fill in: “Phone: +359 2 XXX XXXX” (from `contacts.partnersPhone` in dr-policy.yml)');
    expect(findPlaceholders('Nothing to fill: XX-ray, Xbox, EXXON\n', policy)).toEqual([]);
  });
});
