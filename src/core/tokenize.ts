import { UserError } from './errors.js';

export interface Tokens {
  positionals: string[];
  flags: Record<string, string | true>;
}

/**
 * Splits command text like a shell would, enough for Slack: double or single quotes (straight or the
 * curly ones Slack clients type) group words; `--name value`, `--name=value` and bare `--flag`.
 * `booleanFlags` never take a value, so `--drill Payments down` keeps "Payments" as a word.
 */
export function tokenize(text: string, booleanFlags: readonly string[] = []): Tokens {
  const words = splitWords(text);
  const out: Tokens = { positionals: [], flags: {} };
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

const OPEN_QUOTES: Record<string, string> = { '"': '"', "'": "'", '\u201c': '\u201d', '\u2018': '\u2019' };

function splitWords(text: string): Array<{ text: string; quoted: boolean }> {
  const words: Array<{ text: string; quoted: boolean }> = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const close = OPEN_QUOTES[text[i]!];
      if (close) {
        const end = text.indexOf(close, i + 1);
        if (end < 0) throw new UserError(`A quote is not closed: ${text.slice(i, i + 20)}…`);
        word += text.slice(i + 1, end);
        quoted = true;
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
