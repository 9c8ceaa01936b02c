/**
 * Short-lived handles Slack gives an app with each interaction: trigger_ids (open a modal once,
 * within 3 s) and response_urls (post up to 5 times within 30 min, for the user who acted).
 */
import { randomBytes } from 'node:crypto';
import { SlackApiError } from './types.js';

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

export interface ResponseTarget {
  user: string;
  channel: string;
  /** The message (or ephemeral) the interaction came from: what replace/delete_original act on. */
  messageTs?: string;
  isEphemeral?: boolean;
  issuedAt: number;
  uses: number;
}

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

export class Tokens {
  private triggers = new Map<string, Trigger>();
  private responses = new Map<string, ResponseTarget>();
  private n = 0;

  constructor(public triggerTtlMs = 3000) {}

  issueTrigger(user: string): string {
    this.n += 1;
    const id = `${this.n}.${Date.now()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { user, issuedAt: Date.now(), used: false });
    return id;
  }

  /** Returns the user the trigger belongs to, or throws the error Slack gives. */
  consumeTrigger(id: unknown): string {
    const t = typeof id === 'string' ? this.triggers.get(id) : undefined;
    if (!t) throw new SlackApiError('invalid_trigger_id');
    if (Date.now() - t.issuedAt > this.triggerTtlMs) throw new SlackApiError('expired_trigger_id');
    if (t.used) throw new SlackApiError('exchanged_trigger_id');
    t.used = true;
    return t.user;
  }

  issueResponseUrl(baseUrl: string, target: Omit<ResponseTarget, 'issuedAt' | 'uses'>): string {
    const id = randomBytes(12).toString('hex');
    this.responses.set(id, { ...target, issuedAt: Date.now(), uses: 0 });
    return `${baseUrl}/response/${id}`;
  }

  /** undefined when the URL is unknown, expired or used up (Slack answers 404 then). */
  useResponseUrl(id: string): ResponseTarget | undefined {
    const r = this.responses.get(id);
    if (!r || r.uses >= RESPONSE_URL_MAX_USES || Date.now() - r.issuedAt > RESPONSE_URL_TTL_MS) return undefined;
    r.uses += 1;
    return r;
  }

  reset(): void {
    this.triggers.clear();
    this.responses.clear();
  }
}
