/**
 * Bolt's last stop for a listener's error: where the request came from (a command, a button, a form's
 * private metadata) decides where the person is told; the answer is tracked so a graceful stop waits for it.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { reportError, unwrap } from './errors.js';
import type { InFlight } from './in-flight.js';

export function registerErrorHandler(app: App, d: { metrics: Metrics; inFlight: InFlight; log: Logger }): void {
  app.error((async ({ error, body }: { error: Error; body?: unknown }) => {
    const err = unwrap(error);
    const b = (body ?? {}) as Record<string, any>;
    let channel: string | undefined = b.channel_id ?? b.channel?.id ?? b.container?.channel_id;
    if (!channel && b.view?.private_metadata) {
      try {
        channel = JSON.parse(b.view.private_metadata).channel;
      } catch {
        channel = undefined;
      }
    }
    d.metrics.errors.inc({ kind: err instanceof Error ? err.name : 'unknown' });
    await d.inFlight.track(reportError(err, { responseUrl: b.response_url, channel, user: b.user_id ?? b.user?.id }, { slack: app.client, log: d.log }, {
      command: b.command ? `${b.command} ${String(b.text ?? '').split(' ')[0]}` : undefined,
      type: b.type,
      user: b.user_id ?? b.user?.id,
    }));
  }) as never);
}
