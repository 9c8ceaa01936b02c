import type { ReceiverUnhandledRequestHandlerArgs } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';

/** Every listener acks at once; anything still unanswered after this long is something nobody handles. */
export const UNHANDLED_ACK_MS = 1_500;

/**
 * A button or form nobody handles (an old message, a forged payload) must still be answered before Slack's
 * 3 s, or the person sees an error and Slack retries: acknowledge it (empty 200) and say so in the log.
 */
export function ackUnhandled(log: Logger): (args: ReceiverUnhandledRequestHandlerArgs) => void {
  return ({ response }) => {
    log.warn('a request nobody acknowledged was answered with an empty 200');
    if (!response.headersSent) {
      response.writeHead(200);
      response.end();
    }
  };
}
