import { UserError } from '../core/errors.js';

/** Reads the typed `view.state.values` Slack sends with a view_submission; each input block has one element. */
type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
  selected_user?: string | null;
};
export type ViewState = Record<string, Record<string, StateValue>>;

const element = (state: ViewState, block: string): StateValue | undefined => Object.values(state[block] ?? {})[0];

export function textOf(state: ViewState, block: string): string {
  return element(state, block)?.value ?? '';
}
export function optionOf(state: ViewState, block: string): string | undefined {
  return element(state, block)?.selected_option?.value ?? undefined;
}
export function optionsOf(state: ViewState, block: string): string[] {
  return (element(state, block)?.selected_options ?? []).map((o) => o.value);
}
export function userOf(state: ViewState, block: string): string | undefined {
  return element(state, block)?.selected_user ?? undefined;
}

/** Runs a check; a UserError becomes that block's error text in the modal instead of a failure. */
export function collect<T>(errors: Record<string, string>, block: string, check: () => T): T | undefined {
  try {
    return check();
  } catch (err) {
    if (err instanceof UserError) {
      errors[block] = err.message.slice(0, 150);
      return undefined;
    }
    throw err;
  }
}
