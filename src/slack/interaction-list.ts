/**
 * Every button, checkbox group and form the bot answers, each defined (with who may use it) next to its
 * handler. A static list, like commands/index.ts: the gate refuses any interaction that is not in it.
 */
import type { InteractionDef } from './authorize.js';
import { CHECKLIST_INTERACTION } from './checklist-actions.js';
import { COMMS_INTERACTIONS } from './comms.js';
import { INCIDENT_INTERACTIONS } from './interactions.js';
import { ACTION_INTERACTIONS } from './interactions-actions.js';
import { PAGE_ACK } from './interactions-paging.js';
import { ALERT_INTERACTIONS } from './interactions-alerts.js';

export const INTERACTIONS: readonly InteractionDef[] = [...INCIDENT_INTERACTIONS, ...ACTION_INTERACTIONS, PAGE_ACK, CHECKLIST_INTERACTION, ...COMMS_INTERACTIONS, ...ALERT_INTERACTIONS];
