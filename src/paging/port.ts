/**
 * The Pager port: what the bot asks of a paging provider, whatever it is. Each provider is one adapter
 * file (pagerduty.ts, opsgenie.ts) that knows its wire format; nothing else does.
 */
export type Provider = 'pagerduty' | 'opsgenie';
export type PageAction = 'trigger' | 'acknowledge' | 'resolve';
export type Severity = 'critical' | 'error' | 'warning' | 'info';
export type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

export const PROVIDER_LABEL: Record<Provider, string> = { pagerduty: 'PagerDuty', opsgenie: 'Opsgenie' };

/** One event about one page; the adapter maps it to its provider's fields and limits. */
export interface PageEvent {
  action: PageAction;
  /** Stable per incident and team, so a retried trigger never opens a second alert. */
  dedupKey: string;
  summary: string;
  description?: string;
  severity: Severity;
  priority: Priority;
  /** Where the alert comes from (the bot), shown by the provider. */
  source: string;
  /** Who should respond, for providers that route by it (Opsgenie responders). */
  team?: string;
  details: Record<string, string>;
  /** The incident's card in Slack. */
  link?: string;
  /** For acknowledge/resolve: who did it, said in the provider's log. */
  note?: string;
  tags?: string[];
}

/** A provider refused or did not answer. `retryable` says whether trying again can help. */
export class PagerError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PagerError';
  }
}

/** Route settings are the provider's own (routing key name, region…), taken from the team in the policy. */
export interface Pager<Route = unknown> {
  readonly provider: Provider;
  send(route: Route, event: PageEvent): Promise<void>;
}

/** Reads a secret by the NAME the policy gives; the value never leaves the adapter. */
export type SecretSource = (name: string) => string | undefined;
