import { UserError } from './errors.js';
import { TEXT_MAX, TITLE_MAX } from './incident.js';
import { MENTION } from './mrkdwn.js';
import { visible } from './slack-text.js';
import { refuseControlCharacters } from './tokenize.js';

/**
 * Checks applied to people's text wherever it comes from (command or modal), so both say the same thing.
 * Each returns the cleaned value or throws a UserError naming the problem.
 */
export function checkTitle(raw: string | undefined): string {
  refuseControlCharacters(raw ?? '', 'The title');
  const title = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (!visible(title).trim()) throw new UserError('The title is empty: say in a few words what is broken.');
  if (title.length > TITLE_MAX) throw new UserError(`The title is ${title.length} characters long; keep it to ${TITLE_MAX} and put the rest in an update.`);
  if (MENTION.test(title)) throw new UserError('A title cannot contain mentions such as @channel or @someone: it is shown in every notification. Assign roles with `/incident assign` instead.');
  return title;
}

export function checkText(raw: string | undefined, what = 'The update'): string {
  refuseControlCharacters(raw ?? '', what);
  const text = (raw ?? '').trim();
  if (!visible(text).trim()) throw new UserError(`${what} is empty.`);
  if (text.length > TEXT_MAX) throw new UserError(`${what} is ${text.length} characters long; the limit is ${TEXT_MAX}.`);
  return text;
}

export function checkServices(ids: string[], known: readonly { id: string }[]): string[] {
  const unknown = ids.filter((id) => !known.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new UserError(`Unknown service ${unknown.map((u) => `"${u}"`).join(', ')}. Services: ${known.map((s) => s.id).join(', ')}.`);
  }
  return [...new Set(ids)];
}

/** `<@U123ABC|bob>` or `<@U123ABC>` (what Slack sends for an @mention) or a bare `U123ABC` → the id. */
export function parseUserMention(text: string): string | undefined {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim()) ?? /^([UW][A-Z0-9]{2,})$/.exec(text.trim());
  return m?.[1];
}
