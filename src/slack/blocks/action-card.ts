import { fitUserText, SLACK_LIMITS } from '../../core/slack-text.js';
import { formatDuration } from '../../core/duration.js';
import { escapeMrkdwn, slackDate, userRef } from '../../core/mrkdwn.js';
import type { Action, StepRecord } from '../../store/actions.js';
import { actions, button, confirmDialog, context, fields, header, section, type Block } from './kit.js';

export const ACTION_BUTTONS = { confirm: 'dr_action_confirm', cancel: 'dr_action_cancel' } as const;

export type CardAction = Pick<
  Action,
  'id' | 'kind' | 'target' | 'status' | 'destructive' | 'plan' | 'steps' | 'requestedBy' | 'expiresAt' | 'approvedBy' | 'startedAt' | 'finishedAt' | 'endedBy' | 'error'
>;

export interface CardContext {
  incidentRef?: string;
  /** The incident's level asks for a second person and the action is destructive. */
  needsSecondPerson: boolean;
  /** Names of the roles that may confirm, for the footer. */
  approvers: string[];
  dryRun?: boolean;
}

const STEP_ICON: Record<StepRecord['status'], string> = {
  pending: ':white_small_square:',
  running: ':hourglass_flowing_sand:',
  ok: ':white_check_mark:',
  failed: ':x:',
  interrupted: ':warning:',
  skipped: ':black_small_square:',
};

export function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

function stepLine(s: StepRecord, i: number): string {
  const parts = [`${STEP_ICON[s.status]} ${i + 1}. ${escapeMrkdwn(s.title)}`];
  if (s.ms !== undefined) parts.push(seconds(s.ms));
  if (s.status === 'failed' && s.error) parts.push(`*${fitUserText(s.error, 400)}*`);
  else if (s.status === 'interrupted') parts.push('_the bot stopped during this step: check by hand whether it took effect_');
  else if (s.detail) parts.push(fitUserText(s.detail, 300));
  return parts.join(' — ');
}

function statusText(a: CardAction): string {
  const took = a.startedAt && a.finishedAt ? ` in ${seconds(a.finishedAt.getTime() - a.startedAt.getTime())}` : '';
  switch (a.status) {
    case 'proposed':
      return ':large_blue_circle: Waiting for confirmation';
    case 'running':
      return `:hourglass_flowing_sand: Running — confirmed by ${userRef(a.approvedBy ?? '')}`;
    case 'succeeded':
      return `:white_check_mark: Done${took} — confirmed by ${userRef(a.approvedBy ?? '')}`;
    case 'failed':
      return `:x: Failed${took} — nothing after the failed step ran`;
    case 'cancelled':
      // The bot voids a plan whose facts changed before Confirm; a fresh plan follows in the thread.
      if (a.endedBy === 'dr-bot') return `:no_entry_sign: Void — ${fitUserText(a.error ?? 'checked again at Confirm', 400)}; nothing was done`;
      return `:no_entry_sign: Cancelled by ${userRef(a.endedBy ?? '')} — nothing was done`;
    case 'expired':
      return ':hourglass: Expired — nobody confirmed it in time; nothing was done';
    case 'interrupted':
      return ':warning: Interrupted — the bot stopped while it ran; it will not resume';
  }
}

/** The plan card of a guarded action: posted in the incident's thread, then edited as it runs. */
export function actionCard(a: CardAction, c: CardContext): { text: string; blocks: Block[] } {
  const title = `${c.dryRun ? 'Dry run · ' : `Action #${a.id} · `}${a.plan.title}`;
  const blocks: Block[] = [header(`${a.destructive ? ':rotating_light:' : ':gear:'} ${title}`)];
  if (c.dryRun) blocks.push(context(':test_tube: *Dry run* — the checks ran; nothing was stored or changed.'));
  blocks.push(section(escapeMrkdwn(a.plan.summary)));
  blocks.push(
    fields([
      `*Target*\n${escapeMrkdwn(a.plan.target)}`,
      `*Incident*\n${c.incidentRef ?? '_none_'}`,
      `*Requested by*\n${userRef(a.requestedBy)}`,
      `*Status*\n${c.dryRun ? ':test_tube: Dry run' : statusText(a)}`,
    ]),
  );
  if (a.plan.facts.length > 0) {
    blocks.push(section(`*Checks*\n${a.plan.facts.map(([k, v]) => `• ${escapeMrkdwn(k)}: ${escapeMrkdwn(v)}`).join('\n')}`));
  }
  if (a.plan.warnings.length > 0) blocks.push(section(a.plan.warnings.map((w) => `:warning: ${escapeMrkdwn(w)}`).join('\n')));
  blocks.push(section(`*Steps*\n${a.steps.map(stepLine).join('\n')}`));
  if (a.error && a.status === 'interrupted') blocks.push(context(escapeMrkdwn(a.error)));

  if (a.status === 'proposed' && !c.dryRun) {
    const rule = c.needsSecondPerson ? ` · *two-person rule*: someone other than ${userRef(a.requestedBy)} must confirm` : '';
    blocks.push(context(`Confirm: ${c.approvers.map(escapeMrkdwn).join(' or ')}${rule} · expires ${slackDate(a.expiresAt)}`));
    const id = String(a.id);
    blocks.push(
      actions(`dr_action_${a.id}`, [
        button('Confirm', ACTION_BUTTONS.confirm, id, a.destructive ? 'danger' : 'primary', confirmDialog('Run this action?', `${escapeMrkdwn(a.plan.title)} on ${escapeMrkdwn(a.plan.target)}.`, 'Run it', 'Not yet')),
        button('Cancel', ACTION_BUTTONS.cancel, id),
      ]),
    );
  }
  const status = c.dryRun ? 'dry run' : a.status;
  return { text: fitUserText(`${title} — ${status}`, SLACK_LIMITS.messageText), blocks };
}
