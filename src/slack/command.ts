import type { z } from 'zod';
import type { Grant } from '../core/authz.js';
import type { Tokens } from '../core/tokenize.js';
import type { Policy } from '../policy.js';
import type { CommandContext } from './context.js';

/** One subcommand: `/incident declare`, `/dr failover-db`… Pure data plus a handler; no side effects at import. */
export interface CommandDef<A = unknown> {
  path: readonly [root: string, name: string];
  summary: string;
  usage: string;
  examples?: string[];
  /**
   * Takes the whole text when its first word names no other subcommand of the root, and an empty one
   * instead of help: `/oncall` and `/oncall dba` are `/oncall show …`.
   */
  fallback?: boolean;
  /** Flags that never take a value (`--drill`). */
  booleanFlags?: string[];
  /** Turns the tokenized text into the object `args` validates; may throw UserError for problems zod can't name. */
  input: (t: Tokens, policy: Policy) => unknown;
  /**
   * Who may use it (fail closed: the router refuses a command that declares nothing). Policy role ids are
   * STANDING roles (the policy's teams); `incident:<role>` narrows to this incident's holder; see core/authz.
   */
  allowedRoles: readonly Grant[];
  args: z.ZodType<A>;
  /**
   * With no text at all, some commands open a modal instead; it must be opened at once with the trigger id
   * (it dies after 3 s), so this runs right after ack and before anything slow.
   */
  modal?: (ctx: CommandContext, text: string) => Promise<void>;
  handle: (ctx: CommandContext, args: A) => Promise<void>;
}

export function defineCommand<A>(def: CommandDef<A>): CommandDef<A> {
  return def;
}

/** `{ positionals, flags }` with flags camelCased, which is what most commands validate. */
export function flagsOf(t: Tokens): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const [k, v] of Object.entries(t.flags)) out[k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}
