/**
 * The one gate every Slack request passes. Commands, buttons and forms each declare `allowedRoles` in their
 * own definition; this module checks them against the policy's standing roles, fail closed: a request for
 * something that declares nothing (or that no definition names at all) is refused before any handler runs.
 * Grants that need a database row (this incident's IC, the requester, the paged person) are decided by
 * `authorizeOn` once the handler has read the row — never from a value in the payload.
 */
import type { App, Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import { decide, describeGrants, isTeamMember, mayPossibly, standingRoles, type Facts, type Grant } from '../core/authz.js';
import { ForbiddenError } from '../core/errors.js';
import { roleName } from '../core/roles.js';
import type { Policy } from '../policy.js';

/** A button, a checkbox group or a form, with who may use it; the README's table is built from these. */
export interface InteractionDef {
  kind: 'button' | 'checkboxes' | 'form';
  /** The action_id (buttons, checkboxes) or the view's callback_id (forms). */
  id: string | RegExp;
  /** What a person sees it as: "Confirm (recovery plan card)". */
  name: string;
  allowedRoles: readonly Grant[];
}

export const defineInteraction = (d: InteractionDef): InteractionDef => d;

const nameOf = (policy: Policy) => (r: string) => roleName(r, policy.roles);

/** The router's and the gate's check, before any row is read. Undefined = may go on. */
export function refusalBeforeRows(policy: Policy, user: string, grants: readonly Grant[] | undefined, what: string): string | undefined {
  const standing = standingRoles(user, policy.teams);
  if (mayPossibly(user, grants, standing, isTeamMember(user, policy.teams))) return undefined;
  if (!grants || grants.length === 0) return `${what} declares no permission, so nobody may use it (the bot fails closed). Tell the bot's owners.`;
  const held = standing.size ? [...standing].map(nameOf(policy)).join(', ') : 'no standing role';
  return `Only ${describeGrants(grants, nameOf(policy))} can use ${what}; <@${user}> holds ${held} in the policy.`;
}

/** The full decision with the rows in hand; throws ForbiddenError with the reason when it says no. */
export function authorizeOn(policy: Policy, user: string, grants: readonly Grant[] | undefined, rows: Omit<Facts, 'standing'>): { as: string } {
  const d = decide(user, grants, { ...rows, standing: standingRoles(user, policy.teams) }, nameOf(policy));
  if (!d.allowed) throw new ForbiddenError(d.reason);
  return { as: d.as };
}

type Body = { type?: string; user?: { id: string }; actions?: Array<{ action_id: string }>; view?: { callback_id?: string } };

function findDef(defs: readonly InteractionDef[], kind: 'action' | 'form', id: string): InteractionDef | undefined {
  return defs.find((d) => (kind === 'form') === (d.kind === 'form') && (typeof d.id === 'string' ? d.id === id : d.id.test(id)));
}

/**
 * Global middleware for buttons, checkboxes and forms. An interaction no definition names, or one whose
 * definition grants nothing to this person, is acked and refused here; no listener sees it.
 */
export function interactionGate(policy: Policy, defs: readonly InteractionDef[], onRefused?: (id: string) => void): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const kind = body.type === 'block_actions' ? 'action' : body.type === 'view_submission' ? 'form' : undefined;
    if (!kind) return args.next();
    const id = kind === 'action' ? body.actions?.[0]?.action_id ?? '' : body.view?.callback_id ?? '';
    const user = body.user?.id ?? '';
    const def = findDef(defs, kind, id);
    const why = refusalBeforeRows(policy, user, def?.allowedRoles, def ? def.name : `this ${kind === 'form' ? 'form' : 'button'} (${id})`);
    if (!why) return args.next();
    onRefused?.(id);
    const ack = (args as { ack?: (r?: unknown) => Promise<void> }).ack;
    if (ack) await ack();
    throw new ForbiddenError(why);
  };
}

export function registerInteractionGate(app: App, policy: Policy, defs: readonly InteractionDef[], onRefused?: (id: string) => void): void {
  app.use(interactionGate(policy, defs, onRefused));
}
