/** views.* methods: modals opened with a trigger_id, pushed, updated by id/external_id with hash checks. */
import { SlackApiError } from '../types.js';
import type { Block, View } from '../types.js';
import { validateBlocks, validateViewFields } from '../block-kit-limits.js';
import { normalizeBlocks } from '../block-walk.js';
import { str } from '../http-util.js';
import type { ViewInput } from '../view-stacks.js';
import type { ApiContext, Args, MethodTable } from './context.js';

/** A view argument checked like Slack: view-level problems → invalid_arguments, block problems → invalid_blocks. */
export function checkView(ctx: Pick<ApiContext, 'actionIdScope'>, raw: unknown): ViewInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SlackApiError('invalid_arguments', { errors: ['view must be a JSON object'] });
  const view = raw as Block;
  const fieldErrors = validateViewFields(view);
  if (fieldErrors.length) throw new SlackApiError('invalid_arguments', { errors: fieldErrors, response_metadata: { messages: fieldErrors.map((e) => `[ERROR] ${e}`) } });
  if (view.blocks !== undefined && !Array.isArray(view.blocks)) throw new SlackApiError('invalid_blocks_format');
  const blockErrors = validateBlocks(view.blocks ?? [], 'modal', ctx.actionIdScope);
  if (blockErrors.length) throw new SlackApiError('invalid_blocks', { errors: blockErrors, response_metadata: { messages: blockErrors.map((e) => `[ERROR] ${e}`) } });
  return { ...(view as ViewInput), blocks: normalizeBlocks(view.blocks ?? []) };
}

/** The view as Slack returns it (our bookkeeping fields stripped). */
export function apiView(v: View): Record<string, unknown> {
  const { user: _user, errors: _errors, ...rest } = v;
  return structuredClone(rest);
}

const needs = { trigger_id: 'invalid_arguments', view: 'invalid_arguments' };

export const viewMethods: MethodTable = {
  'views.open': {
    required: needs,
    run(ctx, args: Args) {
      const input = checkView(ctx, args.view);
      const user = ctx.tokens.consumeTrigger(args.trigger_id);
      return { view: apiView(ctx.state.views.open(user, input)) };
    },
  },

  'views.push': {
    required: needs,
    run(ctx, args) {
      const input = checkView(ctx, args.view);
      const user = ctx.tokens.consumeTrigger(args.trigger_id);
      return { view: apiView(ctx.state.views.push(user, input)) };
    },
  },

  'views.publish': {
    required: { user_id: 'invalid_arguments', view: 'invalid_arguments' },
    run(ctx, args) {
      const view = args.view as Block | undefined;
      if (!view || typeof view !== 'object' || view.type !== 'home') throw new SlackApiError('invalid_arguments', { errors: ['view.type must be home [json-pointer:/view/type]'] });
      const user = str(args.user_id) ?? '';
      if (!ctx.state.users.has(user)) throw new SlackApiError('user_not_found');
      const blockErrors = validateBlocks(view.blocks ?? [], 'modal', ctx.actionIdScope);
      if (blockErrors.length) throw new SlackApiError('invalid_blocks', { errors: blockErrors });
      const published = { ...view, id: `VH${user}`, blocks: normalizeBlocks(view.blocks ?? []) };
      ctx.state.homes.set(user, published);
      ctx.state.changed();
      return { view: structuredClone(published) };
    },
  },

  'views.update': {
    required: { view: 'invalid_arguments' },
    run(ctx, args) {
      if (!args.view_id && !args.external_id) throw new SlackApiError('invalid_arguments', { errors: ['view_id or external_id is required'] });
      const input = checkView(ctx, args.view);
      const view = ctx.state.views.resolve(str(args.view_id), str(args.external_id));
      return { view: apiView(ctx.state.views.update(view, input, args.hash)) };
    },
  },
};
