/**
 * RDS' refusals in plain words that say what to do. The code and RDS' own message stay in brackets for
 * whoever looks them up. Codes are the API model's error shapes (`…Fault` names map to these codes).
 */
export interface RdsErrorFacts {
  code?: string;
  message: string;
  /** What the bot was doing, for the sentence: "promote production-replica-1". */
  doing: string;
  instance?: string;
  snapshot?: string;
  time?: string;
}

const said = (f: RdsErrorFacts) => `(RDS: ${f.code}: ${f.message})`;

export function plainRdsError(f: RdsErrorFacts): string | undefined {
  const it = f.instance ?? 'the instance';
  switch (f.code) {
    case 'InvalidDBInstanceState':
      // RDS answers this whenever the instance is not `available`: during a backup (backing-up), a modification, a reboot.
      return `RDS cannot ${f.doing} while ${it} is busy (taking a backup, being modified or rebooted): it must be available. Ask again when \`/dr health\` shows it available ${said(f)}.`;
    case 'Throttling':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
      return `AWS is throttling the bot's RDS calls; nothing was changed by this call. Ask again in a minute ${said(f)}.`;
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'UnauthorizedOperation':
      return `The bot's AWS identity may not ${f.doing}: its IAM policy lacks the permission (README, "RDS prerequisites"). Nothing was changed ${said(f)}.`;
    case 'InsufficientDBInstanceCapacity':
      return `AWS has no capacity for that instance class in that Availability Zone right now. Try another class or AZ (targets.database.restore.placement), or ask again later ${said(f)}.`;
    case 'StorageQuotaExceeded':
      return `The AWS account's RDS storage quota is used up: raise it in Service Quotas or free storage, then ask again ${said(f)}.`;
    case 'InstanceQuotaExceeded':
      return `The AWS account already has as many RDS instances as its quota allows: raise it in Service Quotas or delete an unused instance ${said(f)}.`;
    case 'PointInTimeRestoreNotEnabled':
      return `${it} keeps no automated backups (backup retention 0), so it has no point in time to restore. Use \`/dr restore-db snapshot latest\` ${said(f)}.`;
    case 'KMSKeyNotAccessible':
      return `RDS cannot use the KMS key that encrypts the data (disabled, deleted, or not granted to RDS). Re-enable or grant the key, then ask again ${said(f)}.`;
    case 'InvalidDBSnapshotState':
      return `The snapshot${f.snapshot ? ` ${f.snapshot}` : ''} is not available (still being created, or being deleted). \`/dr verify-backup\` shows its state ${said(f)}.`;
    case 'DBSnapshotNotFound':
      return `The snapshot${f.snapshot ? ` ${f.snapshot}` : ''} is gone ${said(f)}.`;
    case 'DBInstanceAlreadyExists':
      return `An instance named ${it} already exists, so RDS did not create another over it ${said(f)}.`;
    case 'DBInstanceNotFound':
      return `RDS has no instance ${it} (deleted, or in another region or account) ${said(f)}.`;
    case 'InvalidRestoreFault':
      return `RDS refused to restore${f.time ? ` to ${f.time}` : ''}: ${f.message}. Ask for a new plan ${said(f)}.`;
    case 'InvalidParameterValue':
    case 'InvalidParameterCombination':
      // RDS answers a restore time outside the window with InvalidParameterValue.
      if (f.time && /restor|time/i.test(f.message)) {
        return `RDS refused to restore to ${f.time}: that time is no longer inside the instance's restorable window. Ask for a new plan with a time inside it ${said(f)}.`;
      }
      return `RDS refused a value the bot sent (${f.message}); check the policy's targets.database settings ${said(f)}.`;
    case 'DBSubnetGroupNotFoundFault':
    case 'DBSubnetGroupNotFound':
      return `The DB subnet group for the new instance does not exist; fix targets.database.restore.placement.subnetGroup ${said(f)}.`;
    case 'DBParameterGroupNotFound':
      return `The DB parameter group for the new instance does not exist; fix targets.database.restore.placement.parameterGroup ${said(f)}.`;
    default:
      return undefined;
  }
}
