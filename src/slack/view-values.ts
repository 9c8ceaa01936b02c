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

/** A submission whose view lacks `state` (forged, or cut short) reads as an empty form: every check then says what is missing. */
export const stateOf = (view: { state?: { values?: unknown } } | undefined): ViewState => {
  const v = view?.state?.values;
  return v && typeof v === 'object' ? (v as ViewState) : {};
};

const element = (state: ViewState, block: string): StateValue | undefined => {
  const b = Object.hasOwn(state, block) ? state[block] : undefined;
  const first = b && typeof b === 'object' ? Object.values(b)[0] : undefined;
  return first && typeof first === 'object' ? first : undefined;
};

export function textOf(state: ViewState, block: string): string {
  const v = element(state, block)?.value;
  return typeof v === 'string' ? v : '';
}
export function optionOf(state: ViewState, block: string): string | undefined {
  const v = element(state, block)?.selected_option?.value;
  return typeof v === 'string' ? v : undefined;
}
export function optionsOf(state: ViewState, block: string): string[] {
  const list = element(state, block)?.selected_options;
  return Array.isArray(list) ? list.map((o) => o?.value).filter((v): v is string => typeof v === 'string') : [];
}
export function userOf(state: ViewState, block: string): string | undefined {
  const v = element(state, block)?.selected_user;
  return typeof v === 'string' ? v : undefined;
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
