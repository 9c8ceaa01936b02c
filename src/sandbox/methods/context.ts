/** What every Web API method handler gets, and the shape of the method table. */
import type { WorkspaceState } from '../state.js';
import type { Tokens } from '../tokens.js';
import type { Block } from '../types.js';
import { SlackApiError } from '../types.js';
import { validateBlocks, type ActionIdScope } from '../block-kit-limits.js';
import { normalizeBlocks } from '../block-walk.js';

export interface ApiContext {
  state: WorkspaceState;
  tokens: Tokens;
  baseUrl: string;
  botUserId: string;
  botId: string;
  teamId: string;
  teamDomain: string;
  appId: string;
  actionIdScope: ActionIdScope;
  /** The OAuth scopes the bot token was granted (the local workspace: exactly the manifest's). */
  scopes: ReadonlySet<string>;
}

export type Args = Record<string, unknown>;

export interface MethodSpec {
  /** Required argument → the error Slack gives when it is missing. */
  required?: Record<string, string>;
  run(ctx: ApiContext, args: Args): Record<string, unknown>;
}

export type MethodTable = Record<string, MethodSpec>;

export const MAX_TEXT = 40_000;

/**
 * The text/blocks/attachments of a message, checked like Slack: something to show (`no_text`),
 * blocks that are an array (`invalid_blocks_format`) and within Block Kit limits (`invalid_blocks`).
 * `requireContent` is false for chat.update-style edits that may keep existing content.
 */
export function messageContent(ctx: Pick<ApiContext, 'actionIdScope'>, args: Args, requireContent = true): { text?: string; blocks?: Block[]; attachments?: Block[] } {
  const { text, blocks, attachments } = args;
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  if (attachments !== undefined && !Array.isArray(attachments)) throw new SlackApiError('invalid_attachments');
  const hasText = typeof text === 'string' && text.length > 0;
  if (requireContent && !hasText && !(Array.isArray(blocks) && blocks.length) && !(Array.isArray(attachments) && attachments.length)) {
    throw new SlackApiError('no_text');
  }
  if (typeof text === 'string' && text.length > MAX_TEXT) throw new SlackApiError('msg_too_long');
  const errors = validateBlocks(blocks, 'message', ctx.actionIdScope);
  if (errors.length) throw new SlackApiError('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
  return {
    text: typeof text === 'string' ? text : undefined,
    blocks: normalizeBlocks(blocks as Block[] | undefined),
    attachments: attachments as Block[] | undefined,
  };
}
