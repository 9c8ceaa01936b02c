import type { CommandDef } from '../command.js';
import { escapeMrkdwn } from '../../core/slack-text.js';
import { context, section, type Block } from './kit.js';

/** `/incident help`: every subcommand with its usage and first example, built from the registry. */
export function helpBlocks(root: string, defs: CommandDef<unknown>[]): { text: string; blocks: Block[] } {
  const lines = defs
    .filter((d) => d.path[1] !== 'help')
    // Usage lines hold `<title>`: escaped, or Slack reads them as links.
    .map((d) => `*\`${escapeMrkdwn(d.usage)}\`*\n${escapeMrkdwn(d.summary)}${d.examples?.[0] ? `\n_e.g._ \`${escapeMrkdwn(d.examples[0])}\`` : ''}`);
  const blocks: Block[] = [];
  // A section's text is limited to 3,000 characters: pack the lines into as few sections as fit.
  let chunk = '';
  for (const line of lines) {
    if (chunk && chunk.length + line.length + 2 > 2_900) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n\n${line}` : line;
  }
  if (chunk) blocks.push(section(chunk));
  if (blocks.length === 0) blocks.push(section(`No /${root} commands are available.`));
  blocks.push(context(`Quote words with spaces: \`"Technical Lead"\`. Without INC-n, commands act on the open incident of the channel you are in.`));
  return { text: `/${root} commands`, blocks };
}
