import type { App } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';

const GRACE_MS = 1_500;

/**
 * A button or form nobody handles (an old message, a forged payload) must still be answered before Slack's
 * 3 s, or the person sees an error and Slack retries. Every listener acks at once, so anything not acked
 * after a moment is acked here; an ack that already happened makes the second one throw, which is ignored.
 */
export function ackUnhandled(app: App, log: Logger): void {
  const later = (ack: () => Promise<void>, what: () => Record<string, unknown>) => {
    setTimeout(() => {
      ack().then(
        () => log.warn(what(), 'interaction nobody handled was acknowledged'),
        () => undefined,
      );
    }, GRACE_MS).unref();
  };
  app.action(/.*/, async ({ ack, action }) => later(ack as () => Promise<void>, () => ({ action: (action as { action_id?: string }).action_id })));
  app.view(/.*/, async ({ ack, view }) => later(ack as () => Promise<void>, () => ({ view: view.callback_id })));
}
