/**
 * Opsgenie Alert API: create an alert (alias = our dedup key), then acknowledge and close it by alias.
 * The API key is read by its env NAME at send time and goes only into the `Authorization` header.
 */
import { postJson, retryableStatus, truncate } from './http.js';
import { PagerError, type PageEvent, type Pager, type SecretSource } from './port.js';

export interface OpsgenieRoute {
  apiKeyEnv: string;
  region: 'eu' | 'us';
  responders?: Array<{ type: string; name?: string; username?: string; id?: string }>;
}

/** Documented limits of the Alert API. */
export const OG_LIMITS = { message: 130, alias: 512, description: 15_000, source: 100, entity: 512, tag: 50, detailValue: 8_000 } as const;

export class OpsgeniePager implements Pager<OpsgenieRoute> {
  readonly provider = 'opsgenie' as const;

  constructor(private readonly o: { urls: { eu: string; us: string }; secret: SecretSource; timeoutMs: number }) {}

  async send(route: OpsgenieRoute, e: PageEvent): Promise<void> {
    const key = this.o.secret(route.apiKeyEnv);
    if (!key) throw new PagerError(`${route.apiKeyEnv} is not set`, false);
    const base = `${this.o.urls[route.region].replace(/\/+$/, '')}/v2/alerts`;
    const alias = encodeURIComponent(truncate(e.dedupKey, OG_LIMITS.alias));
    const [url, body] =
      e.action === 'trigger'
        ? [base, this.create(route, e)]
        : [`${base}/${alias}/${e.action === 'acknowledge' ? 'acknowledge' : 'close'}?identifierType=alias`, { source: truncate(e.source, OG_LIMITS.source), note: e.note ?? '' }];
    const answer = await postJson(url, body, { timeoutMs: this.o.timeoutMs, headers: { authorization: `GenieKey ${key}` } });
    if (answer.status >= 200 && answer.status < 300) return;
    // Errors answer {message, took, requestId}.
    throw new PagerError(`${answer.status} ${String(answer.body.message ?? 'no reason given')}`, retryableStatus(answer.status), answer.status);
  }

  private create(route: OpsgenieRoute, e: PageEvent): Record<string, unknown> {
    // Only responders the route declares: an escalation to management is sent over management's route, so it
    // reaches management, never back to the team that did not answer. Without responders, Opsgenie routes the
    // alert to the team owning the API integration.
    const responders = route.responders ?? [];
    return {
      message: truncate(e.summary, OG_LIMITS.message),
      alias: truncate(e.dedupKey, OG_LIMITS.alias),
      description: truncate([e.description, e.link && `Slack: ${e.link}`].filter(Boolean).join('\n\n'), OG_LIMITS.description),
      ...(responders.length > 0 && { responders }),
      tags: (e.tags ?? []).map((t) => truncate(t, OG_LIMITS.tag)),
      details: Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, truncate(v, OG_LIMITS.detailValue)])),
      entity: truncate(e.details.incident ?? e.dedupKey, OG_LIMITS.entity),
      source: truncate(e.source, OG_LIMITS.source),
      priority: e.priority,
    };
  }
}
