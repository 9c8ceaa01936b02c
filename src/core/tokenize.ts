import { UserError } from './errors.js';
import { controlCharacter } from './slack-text.js';

export interface Tokens {
  positionals: string[];
  flags: Record<string, string | true>;
}

/** NUL and other control characters cannot be stored (PostgreSQL refuses NUL) and nobody sees them: say which. */
export function refuseControlCharacters(text: string, what = 'The text'): void {
  const found = controlCharacter(text);
  if (found) throw new UserError(`${what} contains ${found}, an invisible control character that cannot be stored. Remove it (it often comes with pasted text) and send again.`);
}

/**
 * Splits command text like a shell would, enough for Slack: double or single quotes (straight or the
 * curly ones Slack clients type) group words; `--name value`, `--name=value` and bare `--flag`.
 * `booleanFlags` never take a value, so `--drill Payments down` keeps "Payments" as a word.
 */
export function tokenize(text: string, booleanFlags: readonly string[] = []): Tokens {
  refuseControlCharacters(text);
  const words = splitWords(text);
  // No prototype: `--constructor` or `--__proto__` is a flag like any other, not an inherited property.
  const out: Tokens = { positionals: [], flags: Object.create(null) as Tokens['flags'] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.quoted && w.text.startsWith('--') && w.text.length > 2) {
      const body = w.text.slice(2);
      const eq = body.indexOf('=');
      if (eq >= 0) {
        out.flags[body.slice(0, eq)] = body.slice(eq + 1);
      } else if (booleanFlags.includes(body)) {
        out.flags[body] = true;
      } else {
        const next = words[i + 1];
        if (next && !(next.text.startsWith('--') && !next.quoted)) {
          out.flags[body] = next.text;
          i++;
        } else {
          out.flags[body] = true;
        }
      }
    } else {
      out.positionals.push(w.text);
    }
  }
  return out;
}

const OPEN_QUOTES = new Map([['"', '"'], ["'", "'"], ['\u201c', '\u201d'], ['\u2018', '\u2019'], ['\u201e', '\u201c']]);
const SPACE = /\s/;

/**
 * The closing quote of a group: the first `close` that ends a word (followed by a space or the end), so
 * `'we can't reach it'` closes after "it", not inside "can't". -1 when there is none.
 */
function closingQuote(text: string, from: number, close: string): number {
  for (let j = text.indexOf(close, from); j >= 0; j = text.indexOf(close, j + 1)) {
    if (j + 1 === text.length || SPACE.test(text[j + 1]!)) return j;
  }
  return -1;
}

/**
 * Words as a person writes them. A quote groups words only where a word starts (or after `--flag=`) and
 * only when it is closed at the end of a word; an apostrophe inside a word (`can't`, `DB's`, `DB’s`) is a
 * letter, and a quote that is never closed is kept as typed instead of refusing the command.
 */
function splitWords(text: string): Array<{ text: string; quoted: boolean }> {
  const words: Array<{ text: string; quoted: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && SPACE.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quoted = false;
    while (i < text.length && !SPACE.test(text[i]!)) {
      const close = OPEN_QUOTES.get(text[i]!);
      const end = close && (word === '' || word.endsWith('=')) ? closingQuote(text, i + 1, close) : -1;
      if (end > i) {
        // `"--status is fine"` is a word, not a flag; `--description="…"` stays a flag.
        quoted ||= word === '';
        word += text.slice(i + 1, end);
        i = end + 1;
      } else {
        word += text[i];
        i++;
      }
    }
    words.push({ text: word, quoted });
  }
  return words;
}
