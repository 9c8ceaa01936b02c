/** What a refused click on a guarded action is told, in words: a busy target, an expired plan, a plan no longer waiting. */
import { ConflictError } from '../core/errors.js';
import type { Action } from '../store/actions.js';

export function busyError(running: Action): ConflictError {
  return new ConflictError(
    `Action #${running.id} (${running.plan.title}) is running on ${running.target} right now, confirmed by <@${running.approvedBy}>. ` +
      'One action per target at a time: wait for it to finish, then ask again.',
  );
}

export function expiredText(a: Action): string {
  return `Plan #${a.id} expired at ${a.expiresAt.toISOString().slice(11, 19)} UTC without a confirmation, so nothing was done. Ask for it again to get a fresh plan.`;
}

/** Why a click on a plan that is no longer waiting does nothing, in words. */
export function whyNot(a: Action): string {
  switch (a.status) {
    case 'running':
      return `Plan #${a.id} was already confirmed by <@${a.approvedBy}> and is running; nothing more to do.`;
    case 'succeeded':
      return `Plan #${a.id} already ran (confirmed by <@${a.approvedBy}>) and succeeded.`;
    case 'failed':
      return `Plan #${a.id} already ran and failed; ask for a new plan rather than re-running it.`;
    case 'cancelled':
      if (a.endedBy === 'dr-bot') return `Plan #${a.id} is void (${a.error ?? 'checked again at Confirm'}); nothing was done. Confirm the fresh plan in the thread instead.`;
      return `Plan #${a.id} was cancelled by <@${a.endedBy}>; nothing was done.`;
    case 'expired':
      return expiredText(a);
    case 'interrupted':
      return `Action #${a.id} was interrupted and is never resumed; check the systems and ask for a new plan.`;
    default:
      return `Plan #${a.id} is ${a.status}.`;
  }
}
