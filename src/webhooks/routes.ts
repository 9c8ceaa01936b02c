/**
 * The webhook endpoints on the bot's HTTP server, beside /healthz and /metrics:
 * `POST /webhooks/pagerduty` (V3, signed) and `POST /webhooks/opsgenie` (bearer token).
 * Order of work: size limit → authentication over the raw bytes → JSON → schema → act. Anything not
 * authenticated is answered 401 before it is even parsed, and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { bearerValid, pagerDutySignatureValid } from '../core/webhook-auth.js';
import type { Logger } from '../observability/logger.js';
import type { ProviderEvent } from '../paging/provider-event.js';
import type { ProviderEvents } from '../paging/provider-events.js';
import type { Policy } from '../policy.js';
import type { Route } from '../slack/routes.js';
import type { AlertIntake } from '../alerts/service.js';
import { alertmanagerWebhook } from './alertmanager.js';
import { answer, BodyTooLarge, readRaw } from './http.js';
import { fromOpsgenie, opsgenieWebhook } from './opsgenie.js';
import { fromPagerDuty, pagerDutyWebhook } from './pagerduty.js';

export interface WebhookDeps {
  policy: Policy;
  /** Secrets by env NAME, read per request. */
  secret: (name: string) => string | undefined;
  events: Pick<ProviderEvents, 'handle'>;
  alerts: Pick<AlertIntake, 'receive'>;
  clock: Clock;
  log: Logger;
  count?: (source: string, outcome: string) => void;
}

const PAGER_LIMIT = 256 * 1024;

type Check = { ok: true } | { ok: false; why: string };

/** One endpoint: authenticate the raw body, parse it with `schema`, turn it into work, answer. */
export function webhookRoute<S extends z.ZodType>(
  d: Pick<WebhookDeps, 'log' | 'count'>,
  o: { source: string; path: string; limit: number; authenticate: (raw: Buffer, req: IncomingMessage) => Check; schema: S; act: (body: z.output<S>) => Promise<{ status: number; body: Record<string, unknown>; outcome: string }> },
): Route {
  const count = (outcome: string) => d.count?.(o.source, outcome);
  const run = async (req: IncomingMessage, res: ServerResponse) => {
    let raw: Buffer;
    try {
      raw = await readRaw(req, o.limit);
    } catch (err) {
      count(err instanceof BodyTooLarge ? 'too_large' : 'unreadable');
      return answer(res, err instanceof BodyTooLarge ? 413 : 400, { error: err instanceof BodyTooLarge ? `the body is over ${o.limit} bytes` : 'the body could not be read' });
    }
    const auth = o.authenticate(raw, req);
    if (!auth.ok) {
      count('unauthorized');
      d.log.warn({ source: o.source, why: auth.why, ip: req.socket.remoteAddress }, 'webhook refused: not authenticated');
      return answer(res, 401, { error: auth.why });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      count('invalid');
      return answer(res, 400, { error: 'the body is not JSON' });
    }
    const parsed = o.schema.safeParse(json);
    if (!parsed.success) {
      count('invalid');
      const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      d.log.warn({ source: o.source, problems }, 'webhook refused: not the expected payload');
      return answer(res, 400, { error: 'not the expected payload', problems });
    }
    const r = await o.act(parsed.data);
    count(r.outcome);
    answer(res, r.status, r.body);
  };
  return {
    path: o.path,
    method: 'POST',
    handler: (req, res) => {
      run(req, res).catch((err: unknown) => {
        // A failure here (the database) is answered 500: the provider delivers again, and the event is acted on once.
        const ref = `e-${randomBytes(3).toString('hex')}`;
        d.log.error({ err, source: o.source, ref }, 'webhook failed');
        count('error');
        answer(res, 500, { error: `something broke (ref ${ref})` });
      });
    },
  };
}

async function act(d: WebhookDeps, e: ProviderEvent | { ignored: string }) {
  if ('ignored' in e) return { status: 202, body: { ignored: e.ignored }, outcome: 'ignored' };
  const r = await d.events.handle(e);
  return { status: 200, body: { outcome: r.outcome, ...(r.incidentId ? { incident: `INC-${r.incidentId}` } : {}) }, outcome: r.outcome.replace(/ /g, '_') };
}

export function pagerDutyRoute(d: WebhookDeps): Route {
  return webhookRoute(d, {
    source: 'pagerduty',
    path: '/webhooks/pagerduty',
    limit: PAGER_LIMIT,
    authenticate: (raw, req) => {
      const conf = d.policy.webhooks.pagerduty;
      if (!conf) return { ok: false, why: 'PagerDuty webhooks are not configured (webhooks.pagerduty.secretEnv in the policy)' };
      const secrets = conf.secretEnv.map(d.secret).filter((s): s is string => Boolean(s));
      if (secrets.length === 0) return { ok: false, why: `${conf.secretEnv.join(' / ')} is not set` };
      const header = req.headers['x-pagerduty-signature'];
      if (!header) return { ok: false, why: 'no X-PagerDuty-Signature header' };
      return pagerDutySignatureValid(raw, String(header), secrets) ? { ok: true } : { ok: false, why: 'no valid v1 signature in X-PagerDuty-Signature' };
    },
    schema: pagerDutyWebhook,
    act: (body) => act(d, fromPagerDuty(body)),
  });
}

export function opsgenieRoute(d: WebhookDeps): Route {
  return webhookRoute(d, {
    source: 'opsgenie',
    path: '/webhooks/opsgenie',
    limit: PAGER_LIMIT,
    authenticate: (_raw, req) => {
      const conf = d.policy.webhooks.opsgenie;
      if (!conf) return { ok: false, why: 'Opsgenie webhooks are not configured (webhooks.opsgenie.tokenEnv in the policy)' };
      const token = d.secret(conf.tokenEnv);
      if (!token) return { ok: false, why: `${conf.tokenEnv} is not set` };
      return bearerValid(req.headers.authorization, token) ? { ok: true } : { ok: false, why: 'no valid bearer token in Authorization' };
    },
    schema: opsgenieWebhook,
    act: (body) => act(d, fromOpsgenie(body, d.clock.now())),
  });
}

/** Alertmanager groups can carry many alerts: a larger limit than the pagers' single events. */
const ALERT_LIMIT = 4 * 1024 * 1024;

export function alertmanagerRoute(d: WebhookDeps): Route {
  return webhookRoute(d, {
    source: 'alertmanager',
    path: '/webhooks/alertmanager',
    limit: ALERT_LIMIT,
    authenticate: (_raw, req) => {
      const conf = d.policy.webhooks.alertmanager;
      if (!conf) return { ok: false, why: 'Alertmanager webhooks are not configured (webhooks.alertmanager.tokenEnv in the policy)' };
      const token = d.secret(conf.tokenEnv);
      if (!token) return { ok: false, why: `${conf.tokenEnv} is not set` };
      return bearerValid(req.headers.authorization, token) ? { ok: true } : { ok: false, why: 'no valid bearer token in Authorization' };
    },
    schema: alertmanagerWebhook,
    act: async (group) => {
      const r = await d.alerts.receive(group);
      const status = r.outcome === 'no rule' || r.outcome === 'not proposed' ? 202 : 200;
      return { status, body: { outcome: r.outcome, ...(r.proposal ? { proposal: r.proposal } : {}), ...(r.incident ? { incident: `INC-${r.incident}` } : {}) }, outcome: r.outcome.replace(/ /g, '_') };
    },
  });
}
