import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { commands } from '../../commands/index.js';
import { UserError } from '../../src/core/errors.js';
import { checkText, checkTitle } from '../../src/core/incident-input.js';
import { own } from '../../src/core/own.js';
import { cutMrkdwn, cutPlain, fitUserText, graphemes, splitMessage } from '../../src/core/slack-text.js';
import { tokenize } from '../../src/core/tokenize.js';
import { createLogger } from '../../src/observability/logger.js';
import { loadPolicy } from '../../src/policy.js';
import { CommandRegistry } from '../../src/slack/registry.js';

const policy = loadPolicy('dr-policy.yml');
const registry = new CommandRegistry(commands);
const parse = (root: string, text: string) => registry.parse(root, text, policy);
const refusal = (root: string, text: string): string => {
  try {
    parse(root, text);
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
  throw new Error(`"${text}" was accepted`);
};

describe('apostrophes and quotes as people type them', () => {
  it('an apostrophe inside a word is a letter, straight or curly', () => {
    expect(tokenize("INC-1 we can't reach the DB").positionals).toEqual(['INC-1', 'we', "can't", 'reach', 'the', 'DB']);
    expect(tokenize("it's the DB's fault").positionals.join(' ')).toBe("it's the DB's fault");
    expect(tokenize('it\u2019s the DB\u2019s fault').positionals.join(' ')).toBe('it\u2019s the DB\u2019s fault');
  });
  it('quotes still group words, also around an apostrophe, and after --flag=', () => {
    expect(tokenize("assign 'Technical Lead' <@U1|bob>").positionals).toEqual(['assign', 'Technical Lead', '<@U1|bob>']);
    expect(tokenize("'we can't reach it' now").positionals).toEqual(["we can't reach it", 'now']);
    expect(tokenize('\u201cPayments down\u201d --description="card \u2018auth\u2019 fails"').flags.description).toBe('card \u2018auth\u2019 fails');
    expect(tokenize('\u201eZahlungen gest\u00f6rt\u201c').positionals).toEqual(['Zahlungen gest\u00f6rt']);
  });
  it('an unbalanced quote is kept as typed instead of refusing the command', () => {
    expect(tokenize('the "primary is down').positionals).toEqual(['the', '"primary', 'is', 'down']);
    expect(tokenize("rock 'n roll").positionals).toEqual(['rock', "'n", 'roll']);
  });
  it('/incident update with an apostrophe is accepted and keeps it', () => {
    const p = parse('incident', "update INC-1 we can't reach the DB, it's the DB's fault") as { kind: string; args: { text: string } };
    expect(p.kind).toBe('run');
    expect(p.args.text).toBe("we can't reach the DB, it's the DB's fault");
  });
});

describe('characters nobody sees', () => {
  it('NUL and other control characters are refused by name, in commands and in forms', () => {
    expect(refusal('incident', 'declare L1 Payments\u0000down')).toContain('NUL (U+0000)');
    expect(refusal('incident', 'update INC-1 lag \u001b[31m high')).toContain('ESC (U+001B)');
    expect(() => checkTitle('Payments\u0000down')).toThrow('The title contains NUL (U+0000)');
    expect(() => checkText('summary\u0007', 'The summary')).toThrow('The summary contains BEL (U+0007)');
    // Tabs and new lines are text.
    expect(checkText('line one\n\tline two')).toBe('line one\n\tline two');
  });
  it('a title of zero-width characters only is empty', () => {
    expect(() => checkTitle('\u200b\u200c\u200d\u2060\ufeff')).toThrow('The title is empty');
    expect(() => checkText('\u200b \u200b')).toThrow('The update is empty');
    expect(checkTitle('👩‍👩‍👧 family outage')).toBe('👩‍👩‍👧 family outage'); // a zero-width joiner inside an emoji stays
  });
});

describe('names that are also members of every JavaScript object', () => {
  it('own() sees only the table’s own entries', () => {
    const table = { dba: 1 };
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(own(table, name)).toBeUndefined();
    expect(own(table, 'dba')).toBe(1);
  });
  it('prototype-named arguments are unknown names, answered by the usage, not a crash', () => {
    expect(refusal('incident', 'comms constructor INC-1')).toContain('"constructor" is not a message kind');
    expect(refusal('incident', 'comms __proto__')).toContain('is not a message kind');
    expect(refusal('incident', 'declare constructor Payments down')).toContain('"constructor" is not a level');
    expect(refusal('incident', 'level INC-1 toString')).toContain('"toString" is not a level');
    const flags = tokenize('--constructor x --__proto__ y').flags;
    expect(Object.keys(flags)).toEqual(['constructor', '__proto__']);
    expect(Object.getPrototypeOf(flags)).toBeNull();
  });
});

describe('the Slack text module', () => {
  it('cuts between graphemes: no half emoji, flag or combining mark', () => {
    const family = '👩‍👩‍👧‍👦';
    const cut = cutPlain(family.repeat(30), 150);
    expect(cut.length).toBeLessThanOrEqual(150);
    expect(graphemes(cut.slice(0, -1)).every((g) => g === family)).toBe(true);
    expect(cutPlain('e\u0301'.repeat(100), 11)).toBe(`${'e\u0301'.repeat(5)}…`);
  });
  it('escapes first, then fits: the limit holds after &<> become entities, and no entity is cut', () => {
    const fitted = fitUserText('&<>'.repeat(1_000), 3_000);
    expect(fitted.length).toBeLessThanOrEqual(3_000);
    expect(fitted).toMatch(/^(&amp;&lt;&gt;)+(&amp;|&amp;&lt;)?…$/);
    expect(cutMrkdwn(`${'x'.repeat(70)} <@U0DBA0001> &amp;`, 75)).toBe(`${'x'.repeat(70)}…`);
  });
  it('a long message is split into parts of at most 4,000 characters, each after the first marked "continued"', () => {
    const text = Array.from({ length: 300 }, (_, i) => `> line ${i} ${'&amp;'.repeat(5)}`).join('\n');
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(4_000);
      if (i > 0) expect(p).toMatch(new RegExp(`^_\\(continued, part ${i + 1} of ${parts.length}\\)_\\n> line`));
    });
  });
});

describe('log lines', () => {
  it('carry one `level` (pino’s); an incident’s level is logged as incidentLevel', () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    log.info({ incident: 7, level: 1 }, 'incident declared');
    expect(lines[0]!.match(/"level":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, incidentLevel: 1, incident: 7, msg: 'incident declared' });
  });
});
