import { z } from 'zod';
import { defineCommand } from '../../src/slack/command.js';

/** The router answers `help` itself from the registry; this entry makes it listed and completable. */
export default defineCommand({
  path: ['incident', 'help'],
  summary: 'Show every /incident command with an example',
  usage: '/incident help',
  input: () => ({}),
  args: z.object({}),
  handle: async () => undefined,
});
