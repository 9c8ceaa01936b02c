/** `/incident followup` input: the text, an optional owner (a mention) and an optional due date. */
import { UserError } from './errors.js';
import { checkText, notAPerson, parseUserMention } from './incident-input.js';
import { escapeMrkdwn } from './mrkdwn.js';

export interface FollowUpInput {
  text: string;
  owner?: string;
  /** YYYY-MM-DD */
  due?: string;
}

/** A real calendar date written YYYY-MM-DD. */
export function parseDue(raw: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw new UserError(`"${escapeMrkdwn(raw)}" is not a date; write it like 2026-12-15.`);
  }
  return raw.trim();
}

/** Not before `today` (UTC): an item due yesterday is a typo. */
export function checkDueNotPast(due: string, today: Date): void {
  const day = today.toISOString().slice(0, 10);
  if (due < day) throw new UserError(`${due} is in the past; a follow-up is due today (${day}) or later.`);
}

/** The words after the command: the last word may be the owner (`@someone`); `--due` comes as a flag. */
export function parseFollowUp(words: string[], due: string | true | undefined): FollowUpInput {
  const rest = [...words];
  let owner: string | undefined;
  const last = rest.at(-1);
  if (last !== undefined && (last.startsWith('<@') || last.startsWith('@'))) {
    owner = parseUserMention(last);
    if (!owner) throw new UserError(notAPerson(last));
    rest.pop();
  }
  if (due === true) throw new UserError('--due needs a date, e.g. --due 2026-12-15.');
  return { text: checkText(rest.join(' '), 'The follow-up'), ...(owner ? { owner } : {}), ...(due ? { due: parseDue(due) } : {}) };
}
