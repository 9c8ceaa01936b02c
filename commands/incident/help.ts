import { z } from 'zod';
import { EVERYONE } from '../../src/core/authz.js';
import { defineCommand } from '../../src/slack/command.js';

/** The router answers `help` itself from the registry; this entry makes it listed and completable. */
export default defineCommand({
  path: ['incident', 'help'],
  summary: 'Show every /incident command with an example',
  usage: '/incident help',
  allowedRoles: [EVERYONE],
  input: () => ({}),
  args: z.object({}),
  handle: async () => undefined,
});
