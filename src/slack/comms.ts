import type { App } from '@slack/bolt';
import { COMMUNICATIONS_COORDINATOR, INCIDENT_COMMANDER } from '../core/roles.js';
import { defineInteraction } from './authorize.js';
import { renderDraft } from '../comms/draft.js';
import { findPlaceholders, placeholderWarnings, withDrillBanner } from '../comms/drill-safety.js';
import type { CommsForm } from '../comms/fields.js';
import { incidentRef, type Incident } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';
import { escapeMrkdwn } from '../core/mrkdwn.js';
import { appendTimeline } from '../store/timeline.js';
import { UserError } from '../core/errors.js';
import { COMMS, commsModal, escapedChunks, TEMPLATE_TITLES, type CommsMeta } from './blocks/comms-modal.js';
import type { Deps } from './context.js';
import { meta as readMeta } from './interactions.js';
import { optionOf, optionsOf, stateOf, textOf, type ViewState } from './view-values.js';

/** What the modal keeps of the incident so that a submission can be validated before the ack, without a query. */
export interface CommsSnapshot extends CommsMeta {
  level: LevelNumber;
  declaredAt: string;
  title: string;
  commander?: string;
  /** Drafts from a drill carry the DRILL banner. */
  drill?: boolean;
}

export function snapshotOf(inc: Incident, template: CommsMeta['template'], channel: string, statuspage?: string): CommsSnapshot {
  return { channel, incident: inc.id, template, level: inc.level, declaredAt: inc.declaredAt.toISOString(), title: inc.title, commander: inc.roles.incident_commander, drill: inc.drill, ...(statuspage && template === 'status-page' ? { statuspage } : {}) };
}

/** Enough of an incident, rebuilt from the snapshot, for the templates' fields. */
function pseudoIncident(m: CommsSnapshot): Incident {
  return { id: m.incident!, level: m.level, title: m.title, declaredAt: new Date(m.declaredAt), roles: m.commander ? { incident_commander: m.commander } : {} } as Incident;
}

function formOf(s: ViewState): CommsForm {
  return {
    description: textOf(s, 'description'),
    status: optionOf(s, 'status') ?? '',
    services: optionsOf(s, 'services'),
    expected: textOf(s, 'expected'),
    impact: textOf(s, 'impact'),
    workarounds: textOf(s, 'workarounds'),
    title: textOf(s, 'title'),
    update: textOf(s, 'update'),
    next: textOf(s, 'next'),
  };
}

/** The form's private_metadata comes back from Slack as sent, but a forged or stale one must not reach a template lookup. */
function knownTemplate(m: Partial<CommsSnapshot>, deps: Deps): boolean {
  if (typeof m.template === 'string' && Object.hasOwn(TEMPLATE_TITLES, m.template) && Number.isInteger(m.incident)) return true;
  deps.log.warn({ template: String(m.template), incident: m.incident }, 'comms form with an unknown template or incident ignored');
  return false;
}

export const COMMS_INTERACTIONS = [
  defineInteraction({ kind: 'button', id: COMMS.preview, name: 'Preview (comms form)', allowedRoles: [COMMUNICATIONS_COORDINATOR, INCIDENT_COMMANDER] }),
  defineInteraction({ kind: 'form', id: COMMS.view, name: 'Post draft (comms form)', allowedRoles: [COMMUNICATIONS_COORDINATOR, INCIDENT_COMMANDER] }),
];

export function registerComms(app: App, deps: Deps): void {
  app.action(COMMS.preview, async ({ ack, body }) => {
    await ack();
    const view = (body as { view?: { id: string; hash: string; private_metadata?: string; state: { values: ViewState } } }).view;
    if (!view) return;
    const m = readMeta(view) as CommsSnapshot;
    if (!knownTemplate(m, deps)) return;
    const inc = pseudoIncident(m);
    const form = formOf(stateOf(view));
    const draft = renderDraft(deps.templates, m.template, form, inc, deps.policy, deps.clock.now());
    const preview = draft.ok
      ? { text: withDrillBanner(draft.text, !!m.drill), problems: placeholderWarnings(findPlaceholders(draft.text, deps.policy)) }
      : { problems: Object.values(draft.errors) };
    await deps.slack.views.update({ view_id: view.id, hash: view.hash, view: commsModal(m.template, inc, deps.policy, form, m, preview) as never });
  });

  app.view(COMMS.view, async ({ ack, view, body }) => {
    const m = readMeta(view) as CommsSnapshot;
    if (!knownTemplate(m, deps)) return void (await ack());
    const draft = renderDraft(deps.templates, m.template, formOf(stateOf(view)), pseudoIncident(m), deps.policy, deps.clock.now());
    if (!draft.ok) return void (await ack({ response_action: 'errors', errors: draft.errors }));
    await ack();
    const inc = (await deps.store.incidents.get(m.incident!))!;
    // An ID either way (the start-up check resolved INCIDENT_CHANNEL): uploads take no channel names.
    const channel = inc.channelId ?? deps.config.INCIDENT_CHANNEL;
    const thread = inc.cardTs ? { thread_ts: inc.cardTs } : {};
    const what = TEMPLATE_TITLES[m.template];
    const text = withDrillBanner(draft.text, inc.drill);
    // "Ready to send" only when nothing is left to fill in; a drill's draft is never ready to send.
    const placeholders = placeholderWarnings(findPlaceholders(draft.text, deps.policy));
    const state = inc.drill
      ? 'DRILL: an exercise, do not send'
      : placeholders.length
        ? `:warning: not ready to send: ${placeholders.length === 1 ? 'a placeholder is' : `${placeholders.length} placeholders are`} left to fill in`
        : 'ready to send';
    const warnings = placeholders.length ? `\n${placeholders.map((p) => `> :warning: ${escapeMrkdwn(p)}`).join('\n')}` : '';
    const head = `${inc.drill ? ':rotating_light: *DRILL* · ' : ''}:memo: *${what}* draft for ${incidentRef(inc.id)}, prepared by <@${body.user.id}> — ${state}; nothing has been sent.${warnings}`;
    // Drafts go out as fenced plain text, escaped, so that nothing in them pings or formats.
    const chunks = escapedChunks(text, 3_500);
    await deps.slack.chat.postMessage({ channel, ...thread, text: `${head}\n\`\`\`${chunks[0]}\`\`\``, unfurl_links: false, unfurl_media: false });
    for (const more of chunks.slice(1)) await deps.slack.chat.postMessage({ channel, ...thread, text: `\`\`\`${more}\`\`\``, unfurl_links: false });
    if (m.template === 'status-page') {
      await deps.slack.filesUploadV2({ channel_id: channel, ...thread, filename: `${incidentRef(inc.id)}-status-page.md`, title: `${incidentRef(inc.id)} status page update`, content: text } as never);
    }
    await appendTimeline(deps.store.db, { incidentId: inc.id, at: deps.clock.now(), actor: body.user.id, kind: 'comms_prepared', data: { template: m.template, characters: draft.text.length } });
    // Opened by `/incident statuspage`: the text just reviewed is what the page shows (drills: the draft only).
    if (m.template === 'status-page' && m.statuspage && deps.statusPage && !inc.drill) {
      try {
        await deps.statusPage.review(inc, draft.text, body.user.id);
        await deps.slack.chat.postEphemeral({ channel, user: body.user.id, text: `*${incidentRef(inc.id)}*: the text you reviewed will be published to the status page (at most one request a second); the card links to it once it is public.` });
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        await deps.slack.chat.postEphemeral({ channel, user: body.user.id, text: `Not published: ${escapeMrkdwn(err.message)}` });
      }
    }
  });
}
