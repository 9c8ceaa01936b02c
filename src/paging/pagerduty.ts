/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): trigger, acknowledge and resolve an alert by its
 * dedup_key. The routing key is read by its env NAME at send time and never logged or stored.
 */
import { postJson, retryableStatus, truncate } from './http.js';
import { PagerError, type PageEvent, type Pager, type SecretSource } from './port.js';

export interface PagerDutyRoute {
  routingKeyEnv: string;
}

/** Documented limits of the Events API v2. */
export const PD_LIMITS = { summary: 1024, dedupKey: 255, source: 255 } as const;

export class PagerDutyPager implements Pager<PagerDutyRoute> {
  readonly provider = 'pagerduty' as const;

  constructor(private readonly o: { eventsUrl: string; secret: SecretSource; timeoutMs: number }) {}

  async send(route: PagerDutyRoute, e: PageEvent): Promise<void> {
    const key = this.o.secret(route.routingKeyEnv);
    if (!key) throw new PagerError(`${route.routingKeyEnv} is not set`, false);
    const url = `${this.o.eventsUrl.replace(/\/+$/, '')}/v2/enqueue`;
    const answer = await postJson(url, this.body(key, e), { timeoutMs: this.o.timeoutMs });
    if (answer.status >= 200 && answer.status < 300) return;
    // 400 answers {status: 'invalid event', message, errors: [...]}; 429 {status, message}.
    const errors = Array.isArray(answer.body.errors) ? (answer.body.errors as unknown[]).map(String).join('; ') : '';
    const message = errors || String(answer.body.message ?? answer.body.status ?? 'no reason given');
    throw new PagerError(`${answer.status} ${message}`, retryableStatus(answer.status), answer.status);
  }

  private body(key: string, e: PageEvent): Record<string, unknown> {
    const base = { routing_key: key, event_action: e.action, dedup_key: truncate(e.dedupKey, PD_LIMITS.dedupKey) };
    if (e.action !== 'trigger') return base;
    return {
      ...base,
      payload: {
        summary: truncate(e.summary, PD_LIMITS.summary),
        source: truncate(e.source, PD_LIMITS.source),
        severity: e.severity,
        timestamp: new Date().toISOString(),
        ...(e.team ? { group: e.team } : {}),
        class: 'incident',
        custom_details: { ...e.details, ...(e.description ? { description: e.description } : {}) },
      },
      ...(e.link ? { links: [{ href: e.link, text: 'Incident card in Slack' }], client: 'BOOM Card DR bot', client_url: e.link } : { client: 'BOOM Card DR bot' }),
    };
  }
}
