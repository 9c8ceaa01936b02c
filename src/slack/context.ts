import type { WebClient } from '@slack/web-api';
import type { Clock } from '../core/clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { Policy } from '../policy.js';
import type { Store } from '../store/index.js';
import type { IncidentService } from '../incidents/service.js';
import type { Templates } from '../comms/templates.js';
import type { Infra } from '../infra/index.js';
import type { ActionEngine } from '../runbooks/engine.js';
import type { Checklist } from '../incidents/checklist.js';
import type { FollowUps } from '../followups/service.js';
import type { StatusPage } from '../statuspage/service.js';
import type { Paging } from '../paging/service.js';

/** What every handler gets, built once by the composition root. */
export interface Deps {
  config: Config;
  policy: Policy;
  store: Store;
  clock: Clock;
  log: Logger;
  slack: WebClient;
  incidents: IncidentService;
  templates: Templates;
  /** Recovery adapters (PostgreSQL, Redis, HTTP, Kubernetes, RDS); `/dr` commands act through these. */
  infra: Infra;
  /** Guarded recovery actions: plan → confirm → run. */
  actions: ActionEngine;
  /** The post-recovery checklist: posted on resolve, closes the incident when complete. */
  checklist: Checklist;
  /** Paging: pages on declare/level/resolve, `/incident page`, acknowledgements, who is on call (`/oncall`). */
  paging: Paging;
  /** Follow-ups (action items): `/incident followup`, the card after resolve, the postmortem, the export. */
  followUps: FollowUps;
  /** Status page out (Atlassian Statuspage), when the policy configures one. */
  statusPage?: StatusPage;
}

/** Who asked, where, and how to answer them privately. */
export interface Invocation {
  userId: string;
  channelId: string;
  triggerId?: string;
  /** An ephemeral answer to the person who asked. */
  reply: (message: string | { text: string; blocks?: unknown[] }) => Promise<void>;
}

export type CommandContext = Deps & Invocation;

/** The request key of a slash command: its trigger id, the same in every copy Slack re-sends. */
export function commandKey(inv: Pick<Invocation, 'triggerId'>): string | undefined {
  return inv.triggerId ? `cmd:${inv.triggerId}` : undefined;
}

/** Said after a change the database has accepted but Slack does not show yet: it is kept and will show. */
export const SHOWS_SHORTLY = 'Recorded — Slack has not shown it yet; it appears in the thread shortly (the bot keeps trying).';
