import { UserError } from '../core/errors.js';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import { tokenize } from '../core/tokenize.js';
import type { Policy } from '../policy.js';
import type { CommandDef } from './command.js';

export type Parsed =
  | { kind: 'help'; root: string }
  | { kind: 'modal'; def: CommandDef<unknown> }
  | { kind: 'run'; def: CommandDef<unknown>; args: unknown };

/** Finds the subcommand for a slash command's text and validates its arguments; pure, so it runs before ack. */
export class CommandRegistry {
  constructor(private readonly defs: readonly CommandDef<any>[]) {}

  roots(): string[] {
    return [...new Set(this.defs.map((d) => d.path[0]))];
  }

  list(root: string): CommandDef<unknown>[] {
    return this.defs.filter((d) => d.path[0] === root);
  }

  find(root: string, name: string): CommandDef<unknown> | undefined {
    return this.defs.find((d) => d.path[0] === root && d.path[1] === name.toLowerCase());
  }

  /** Which definition a text is for (no validation): its permission is checked before its input is read. */
  target(root: string, text: string): CommandDef<unknown> | undefined {
    const trimmed = text.trim();
    const name = trimmed.split(/\s/, 1)[0] ?? '';
    if (name.toLowerCase() === 'help') return undefined;
    const named = name === '' ? undefined : this.find(root, name);
    return named ?? this.defs.find((d) => d.path[0] === root && d.fallback);
  }

  parse(root: string, text: string, policy: Policy): Parsed {
    const trimmed = text.trim();
    const space = trimmed.search(/\s/);
    const name = space < 0 ? trimmed : trimmed.slice(0, space);
    const rest = space < 0 ? '' : trimmed.slice(space + 1).trim();
    const fallback = this.defs.find((d) => d.path[0] === root && d.fallback);
    if ((name === '' && !fallback) || name.toLowerCase() === 'help') return { kind: 'help', root };
    const named = name === '' ? undefined : this.find(root, name);
    const def = named ?? fallback;
    const args = named ? rest : trimmed;
    if (!def) {
      const names = this.list(root).map((d) => d.path[1]).join(', ');
      throw new UserError(`\`/${root} ${escapeMrkdwn(name)}\` is not a command. Try \`/${root} help\`.`, `/${root} <${names.replace(/, /g, '|')}> …`);
    }
    if (args === '' && def.modal) return { kind: 'modal', def };
    let raw: unknown;
    try {
      raw = def.input(tokenize(args, def.booleanFlags), policy);
    } catch (err) {
      if (err instanceof UserError && !err.usage) throw new UserError(err.message, def.usage);
      throw err;
    }
    const result = def.args.safeParse(raw);
    if (!result.success) {
      const first = result.error.issues[0];
      // Named as the usage line names it (`dryRun` → "dry run"), not by the schema's field name.
      const name = first?.path.map(String).join(' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() || 'the input';
      throw new UserError(`The ${name} is not right: ${first?.message ?? 'invalid'}.`, def.usage);
    }
    return { kind: 'run', def, args: result.data };
  }
}
