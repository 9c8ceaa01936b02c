/** An RDS failure as the card shows it: RDS' refusal in plain words (core/rds-errors.ts), else its code and message. */
import { plainRdsError, type RdsErrorFacts } from '../core/rds-errors.js';
import { RdsCallError } from '../infra/rds.js';

export function explainRds(err: unknown, facts: Omit<RdsErrorFacts, 'code' | 'message'>): Error {
  if (!(err instanceof RdsCallError)) return err as Error;
  const plain = plainRdsError({ ...facts, code: err.code, message: err.message });
  return new Error(plain ?? `RDS refused to ${facts.doing} (RDS: ${err.code ?? 'error'}: ${err.message})`);
}
