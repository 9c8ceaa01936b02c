import type { WebClient } from '@slack/web-api';
import { ConflictError, errorRef, UserError, userMessage } from '../core/errors.js';
import { redactUrls } from '../core/redact.js';
import type { Logger } from '../observability/logger.js';

interface Where {
  responseUrl?: string;
  channel?: string;
  user?: string;
}

/**
 * The one place errors end: a person's mistake becomes an ephemeral answer; anything else becomes
 * "something broke (ref e-xxxx)" for them and a log line with the same ref and the context for us.
 */
export async function reportError(err: unknown, where: Where, deps: { slack: WebClient; log: Logger }, logContext: Record<string, unknown> = {}): Promise<void> {
  let text: string;
  if (err instanceof UserError) {
    text = redactUrls(`${err instanceof ConflictError ? ':information_source:' : ':warning:'} ${userMessage(err)}`);
    deps.log.info({ ...logContext, problem: err.message }, 'user error');
  } else {
    const ref = errorRef();
    text = `:boom: Something broke on our side (ref \`${ref}\`). Check the incident's card before trying again; give the ref to the bot's owners.`;
    deps.log.error({ ...logContext, ref, err }, 'handler failed');
  }
  try {
    await tell(text, where, deps.slack);
  } catch (sendErr) {
    deps.log.error({ ...logContext, err: sendErr }, 'could not tell the user about an error');
  }
}

async function tell(text: string, where: Where, slack: WebClient): Promise<void> {
  if (where.responseUrl) {
    const r = await fetch(where.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
    });
    if (r.ok) return;
  }
  if (where.user && where.channel) {
    try {
      await slack.chat.postEphemeral({ channel: where.channel, user: where.user, text });
      return;
    } catch {
      // Not in that channel: a DM still reaches them.
    }
  }
  if (where.user) await slack.chat.postMessage({ channel: where.user, text });
}

/** Bolt wraps what a listener throws; the original error is what we classify. */
export function unwrap(error: unknown): unknown {
  const e = error as { original?: unknown };
  return e && typeof e === 'object' && 'original' in e && e.original ? e.original : error;
}
