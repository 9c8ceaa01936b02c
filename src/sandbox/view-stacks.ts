/**
 * Modals as Slack keeps them: one stack per user, at most 3 deep, each view with an id, a hash that
 * changes on every update (so stale updates fail with hash_conflict) and its input state.
 */
import { randomBytes } from 'node:crypto';
import type { Block, View } from './types.js';
import { SlackApiError } from './types.js';

export const MAX_STACK = 3;

export interface ViewInput {
  type?: string;
  callback_id?: string;
  private_metadata?: string;
  external_id?: string;
  title?: Block;
  submit?: Block;
  close?: Block;
  blocks?: Block[];
  notify_on_close?: boolean;
  clear_on_close?: boolean;
}

export class ViewStacks {
  private stacks = new Map<string, View[]>();

  constructor(
    private readonly onChange: () => void,
    private readonly newId: (prefix: string) => string,
    private readonly ids: { teamId: string; appId: string; botId: string } = { teamId: 'T0BOOM', appId: 'A0BOOM', botId: 'B0BOT' },
  ) {}

  configure(ids: { teamId: string; appId: string; botId: string }): void {
    Object.assign(this.ids, ids);
  }

  openFor(user?: string): View[] {
    if (user) return [...(this.stacks.get(user) ?? [])];
    return [...this.stacks.values()].flat();
  }

  find(id: string): View | undefined {
    return this.openFor().find((v) => v.id === id);
  }

  /** By view_id or external_id, as views.update accepts either. */
  resolve(viewId?: unknown, externalId?: unknown): View {
    const v = this.openFor().find((x) => (viewId ? x.id === viewId : externalId ? x.external_id === externalId : false));
    if (!v) throw new SlackApiError('not_found');
    return v;
  }

  open(user: string, input: ViewInput): View {
    // A new views.open replaces whatever stack the user was looking at.
    const view = this.build(user, input, null, null);
    this.stacks.set(user, [view]);
    this.onChange();
    return view;
  }

  push(user: string, input: ViewInput): View {
    const stack = this.stacks.get(user) ?? [];
    if (stack.length === 0) throw new SlackApiError('not_found');
    if (stack.length >= MAX_STACK) throw new SlackApiError('push_limit_reached');
    const top = stack[stack.length - 1]!;
    const view = this.build(user, input, top.root_view_id, top.id);
    stack.push(view);
    this.onChange();
    return view;
  }

  update(view: View, input: ViewInput, hash?: unknown): View {
    if (typeof hash === 'string' && hash && hash !== view.hash) throw new SlackApiError('hash_conflict');
    const blocks = input.blocks ?? [];
    // Slack keeps what the user typed into inputs whose block_id survives the update.
    const keep = new Set(blocks.map((b) => b.block_id as string));
    const values = Object.fromEntries(Object.entries(view.state.values).filter(([k]) => keep.has(k)));
    this.checkExternalId(input.external_id, view.id);
    Object.assign(view, this.fields(input), { hash: newHash(), state: { values }, errors: undefined });
    this.onChange();
    return view;
  }

  /** Removes one view (and any pushed above it): what an empty view_submission ack or "Cancel" does. */
  close(viewId: string): View | undefined {
    for (const [user, stack] of this.stacks) {
      const i = stack.findIndex((v) => v.id === viewId);
      if (i < 0) continue;
      const [closed] = stack.splice(i);
      if (stack.length === 0) this.stacks.delete(user);
      this.onChange();
      return closed;
    }
    return undefined;
  }

  clear(user: string): void {
    this.stacks.delete(user);
    this.onChange();
  }

  reset(): void {
    this.stacks.clear();
  }

  private build(user: string, input: ViewInput, rootId: string | null, previousId: string | null): View {
    this.checkExternalId(input.external_id);
    const id = this.newId('V');
    return {
      id,
      team_id: this.ids.teamId,
      type: 'modal',
      ...this.fields(input),
      hash: newHash(),
      state: { values: {} },
      root_view_id: rootId ?? id,
      previous_view_id: previousId,
      app_id: this.ids.appId,
      bot_id: this.ids.botId,
      user,
    };
  }

  private fields(input: ViewInput): Omit<View, 'id' | 'team_id' | 'type' | 'hash' | 'state' | 'root_view_id' | 'previous_view_id' | 'app_id' | 'bot_id' | 'user'> {
    return {
      callback_id: input.callback_id ?? '',
      private_metadata: input.private_metadata ?? '',
      external_id: input.external_id ?? '',
      title: input.title,
      submit: input.submit,
      close: input.close,
      blocks: input.blocks ?? [],
      notify_on_close: input.notify_on_close ?? false,
      clear_on_close: input.clear_on_close ?? false,
    };
  }

  private checkExternalId(externalId: string | undefined, selfId?: string): void {
    if (!externalId) return;
    if (this.openFor().some((v) => v.external_id === externalId && v.id !== selfId)) throw new SlackApiError('duplicate_external_id');
  }
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
}
