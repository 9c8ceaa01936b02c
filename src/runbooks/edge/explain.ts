/** An edge service's failure as the card shows it: in plain words (core/aws-words.ts), else its code and message. */
import { plainAwsError, type AwsErrorFacts } from '../../core/aws-words.js';
import { AwsCallError, AwsWaitError } from '../../infra/aws-call.js';

export function explainAws(err: unknown, facts: Omit<AwsErrorFacts, 'code' | 'message' | 'service' | 'details'>): Error {
  if (err instanceof AwsWaitError) return new Error(`${err.message}`);
  if (!(err instanceof AwsCallError)) return err as Error;
  const f = { ...facts, service: err.service, code: err.code, message: err.message, details: err.details };
  return new Error(plainAwsError(f) ?? `${err.service} refused to ${facts.doing} (${err.service}: ${err.code ?? 'error'}: ${err.message})`);
}
