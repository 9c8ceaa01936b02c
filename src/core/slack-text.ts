/**
 * The one place Slack text is fitted. People's text is escaped first (`&`, `<`, `>` → entities, so
 * `<!channel>` pings nobody) and only then cut, so an entity can no longer push a block over its limit;
 * cuts fall on grapheme boundaries (`Intl.Segmenter`), so an emoji, a flag or a letter with its combining
 * marks is never split into half a UTF-16 pair. Lengths are UTF-16 code units, which is never less than
 * what Slack counts.
 */

/**
 * Slack's documented limits (Block Kit reference, `@slack/types` doc comments, chat.postMessage), one
 * table for every surface the bot draws.
 */
export const SLACK_LIMITS = {
  /** chat.postMessage `text`: Slack recommends at most 4,000 characters (it truncates at 40,000). */
  messageText: 4_000,
  messageBlocks: 50,
  viewBlocks: 100,
  /** Any text object ("minimum 1, maximum 3000"): section text, context elements. */
  textObject: 3_000,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  checkboxOptions: 10,
  selectOptions: 100,
  inputLabel: 2_000,
  inputHint: 2_000,
  placeholder: 150,
  plainTextInput: 3_000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  blockId: 255,
  actionId: 255,
} as const;

export type SlackSurface = keyof typeof SLACK_LIMITS;

export const ELLIPSIS = '…';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** User-perceived characters: an emoji with its modifiers, a flag, a letter with its combining marks. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain text (headers, options, buttons, Opsgenie's message): at most `max`, cut between graphemes with an ellipsis. */
export function cutPlain(text: string, max: number, marker = ELLIPSIS): string {
  if (text.length <= max) return text;
  return joinUnits(graphemes(text), max, marker);
}

// An entity or a `<…>` token (mention, link, date) is one unit in mrkdwn: cutting inside it breaks it.
const ATOM = /&(?:amp|lt|gt);|<[^<>\n]*>/g;

function mrkdwnUnits(text: string): string[] {
  const units: string[] = [];
  let at = 0;
  for (const m of text.matchAll(ATOM)) {
    units.push(...graphemes(text.slice(at, m.index)), m[0]);
    at = m.index + m[0].length;
  }
  units.push(...graphemes(text.slice(at)));
  return units;
}

function joinUnits(units: string[], max: number, marker: string): string {
  let out = '';
  for (const u of units) {
    if (out.length + u.length + marker.length > max) break;
    out += u;
  }
  return out.trimEnd() + marker;
}

/** Mrkdwn that is already escaped (built by the bot): cut between graphemes, never inside an entity or a mention. */
export function cutMrkdwn(text: string, max: number, marker = ELLIPSIS): string {
  if (text.length <= max) return text;
  return joinUnits(mrkdwnUnits(text), max, marker);
}

/**
 * People's text → escaped mrkdwn of at most `max` characters once `render` (e.g. a blockquote) has been
 * applied: the longest grapheme prefix that fits, then `marker`.
 */
export function fitUserText(raw: string, max: number, o: { render?: (escaped: string) => string; marker?: string } = {}): string {
  const render = o.render ?? ((s: string) => s);
  const marker = o.marker ?? ELLIPSIS;
  const full = render(escapeMrkdwn(raw));
  if (full.length <= max) return full;
  const g = graphemes(raw);
  const attempt = (n: number) => render(escapeMrkdwn(g.slice(0, n).join('').trimEnd()) + marker);
  let lo = 0;
  let hi = g.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (attempt(mid).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return attempt(lo);
}

/** Whether `raw` escaped (and rendered) fits in `max`: the caller then says where the rest is. */
export const fitsEscaped = (raw: string, max: number, render: (s: string) => string = (s) => s): boolean => render(escapeMrkdwn(raw)).length <= max;

/**
 * A message longer than Slack's recommended 4,000 characters, as several messages: split between lines
 * where it can, else between graphemes (never inside an entity or a mention); every part after the first
 * starts with a "continued" marker.
 */
export function splitMessage(text: string, max: number = SLACK_LIMITS.messageText): string[] {
  if (text.length <= max) return [text];
  const room = max - 40; // the marker of part n of N
  const parts: string[] = [];
  let cur = '';
  const push = () => {
    cur = cur.replace(/\n+$/, ''); // only the line break: a space at a cut is text
    if (cur) parts.push(cur);
    cur = '';
  };
  for (const line of text.split('\n')) {
    const candidate = cur ? `${cur}\n${line}` : line;
    if (candidate.length <= room) {
      cur = candidate;
      continue;
    }
    if (line.length <= room) {
      push();
      cur = line;
      continue;
    }
    // A line longer than a part: it fills the current part and goes on in the next ones.
    if (cur) cur += '\n';
    for (const u of mrkdwnUnits(line)) {
      if (cur.length + u.length > room) push();
      cur += u;
    }
  }
  push();
  return parts.map((p, i) => (i === 0 ? p : `_(continued, part ${i + 1} of ${parts.length})_\n${p}`));
}

/**
 * Lines (one per item) packed into one message of at most `max`: as many as fit, then `more(n)` naming
 * how many were left out and where to find them.
 */
export function fitLines(head: string, lines: string[], more: (left: number) => string, max: number = SLACK_LIMITS.messageText): string {
  let out = head;
  for (let i = 0; i < lines.length; i++) {
    const next = `${out}\n${lines[i]}`;
    const rest = lines.length - i - 1;
    if (next.length + (rest > 0 ? 1 + more(rest).length : 0) > max) return `${out}\n${more(lines.length - i)}`;
    out = next;
  }
  return out;
}

/** Characters a person cannot see or that break storage: refused by name, not stored. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\u00ad\u034f\u180e]/g;

const CONTROL_NAMES = new Map<number, string>([
  [0x00, 'NUL'], [0x07, 'BEL'], [0x08, 'backspace'], [0x0b, 'vertical tab'], [0x0c, 'form feed'], [0x1b, 'ESC'], [0x7f, 'DEL'],
]);

/** Names the first control character in `text` ("NUL (U+0000)"), or undefined when there is none. */
export function controlCharacter(text: string): string | undefined {
  const m = CONTROL.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return CONTROL_NAMES.has(code) ? `${CONTROL_NAMES.get(code)} (${hex})` : `a control character (${hex})`;
}

/** The text without zero-width and direction-control characters: what a reader actually sees. */
export const visible = (text: string): string => text.replace(INVISIBLE, '');
