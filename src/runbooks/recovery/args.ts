/** What every guarded `/dr` command shares on its command line: an optional `INC-n`, `--dry-run`, nothing else. */
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { Tokens } from '../../core/tokenize.js';
import { looksLikeIncidentRef } from '../../incidents/lookup.js';

export interface GuardedWords {
  words: string[];
  ref?: string;
  dryRun: boolean;
}

/** Splits off `INC-n` and `--dry-run`; any other flag is refused (a typo must not be silently ignored). */
export function guardedWords(t: Tokens, usage: string, o: { min: number; max: number }): GuardedWords {
  const unknown = Object.keys(t.flags).find((f) => f !== 'dry-run');
  if (unknown) throw new UserError(`Unknown option --${escapeMrkdwn(unknown)}.`, usage);
  const words = [...t.positionals];
  const refAt = words.findIndex(looksLikeIncidentRef);
  const ref = refAt >= 0 ? words.splice(refAt, 1)[0] : undefined;
  if (words.length < o.min) throw new UserError(o.min === 1 ? 'Something is missing.' : `This takes ${o.min} words.`, usage);
  if (words.length > o.max) throw new UserError(`Too many words: ${escapeMrkdwn(words.slice(o.max).join(' '))}.`, usage);
  return { words, ref, dryRun: t.flags['dry-run'] === true };
}

/** The zod shape of the shared part; each command extends it with its own args. */
export const guardedShape = { ref: z.string().optional(), dryRun: z.boolean().default(false) };
