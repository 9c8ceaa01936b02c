import { z } from 'zod';
import { parseDuration } from './core/duration.js';

/** Field types every part of dr-policy.yml shares, so a duration or an env name is checked and worded once. */

/** `30m`, `90s`, `1h30m` (or a bare number of… nothing: a unit is required) → milliseconds. */
export const duration = z
  .union([z.string(), z.number().transform(String)], { error: 'expected a duration like 30m' })
  .transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration like 30m' });
      return z.NEVER;
    }
    return ms;
  });

/** A duration with a default written the way people write it in the file. */
export const durationOr = (fallback: string) => duration.default(parseDuration(fallback)!);

/** Secrets never go in the file: only the NAME of the environment variable that holds them. */
export const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the NAME of an environment variable, like PD_ROUTING_KEY_DBA (never the value itself)');
