import { escapeMrkdwn } from './slack-text.js';
/** A problem the person can fix: shown to them as an ephemeral message, never logged as a failure. */
export class UserError extends Error {
  readonly usage?: string;
  constructor(message: string, usage?: string) {
    super(message);
    this.name = 'UserError';
    this.usage = usage;
  }
}

/** The person may not do this; shown like a UserError, and recorded on the timeline where there is an incident. */
export class ForbiddenError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Somebody else changed the thing first (double click, a second replica): shown, not logged as a failure. */
export class ConflictError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export function userMessage(err: UserError): string {
  // `<title>` in a usage line would be read by Slack as a link: escaped like any text.
  return err.usage ? `${err.message}\nUsage: \`${escapeMrkdwn(err.usage)}\`` : err.message;
}

/** Short, quotable reference for an unexpected error: said in Slack, searchable in the logs. */
export function errorRef(random: () => number = Math.random): string {
  return `e-${Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')}`;
}
