/**
 * What an RDS instance's status means to someone waiting on it. The success and failure states follow
 * botocore's `DBInstanceAvailable` waiter (success `available`; failure `deleted`, `deleting`, `failed`,
 * `incompatible-restore`, `incompatible-parameters`) plus the statuses of the RDS User Guide's
 * "Viewing Amazon RDS DB instance status" table from which an instance does not come back by itself.
 */
export const FAILURE_STATES: Record<string, string> = {
  deleted: 'the instance was deleted',
  deleting: 'the instance is being deleted',
  failed: 'RDS reports the instance failed and is attempting to recover it; AWS support may be needed',
  'incompatible-restore': 'RDS cannot restore it (often an incompatible parameter group setting or a corrupt backup)',
  'incompatible-parameters': "its DB parameter group has settings the engine cannot start with (memory settings too large for the instance class?); fix the parameter group and reboot it",
  'incompatible-network': 'RDS cannot reach its VPC (the subnet has no free IP addresses, or the subnet or VPC is gone)',
  'incompatible-option-group': 'its option group cannot be applied',
  'incompatible-credentials': 'the credentials it needs (Microsoft AD, KMS) are not usable',
  'inaccessible-encryption-credentials': 'the KMS key that encrypts it is disabled or not accessible to RDS',
  'inaccessible-encryption-credentials-recoverable': 'the KMS key that encrypts it is disabled; re-enable it within 7 days or the instance becomes terminal',
  'storage-full': 'it ran out of storage; increase its allocated storage',
  'restore-error': 'RDS hit an error while restoring it',
};

export type WaitVerdict = { kind: 'done' } | { kind: 'failed'; why: string } | { kind: 'wait' };

/** `available` (and the caller's own condition, e.g. no longer a replica) ends a wait; a failure state ends it at once. */
export function waitVerdict(status: string, done = true): WaitVerdict {
  if (status === 'available' && done) return { kind: 'done' };
  const why = FAILURE_STATES[status];
  return why ? { kind: 'failed', why: `${status}: ${why}` } : { kind: 'wait' };
}

/** Errors that say "ask again later", not "no": AWS's throttling codes, server-side faults, timeouts, the network. */
const TRANSIENT_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

export function isTransient(code: string | undefined, httpStatus?: number): boolean {
  if (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429)) return true;
  return code !== undefined && TRANSIENT_CODES.has(code);
}
