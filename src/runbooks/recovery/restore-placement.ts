/**
 * Where a restored instance goes. RDS puts a restore without placement into the default VPC, subnet group,
 * security group and parameter group, Single-AZ, possibly public ("RestoreDBInstanceToPointInTime": "created
 * … with the default security group, the default subnet group, and the default DB parameter group"). So every
 * setting is read from the source instance, overridden by the policy's `restore.placement`, and shown.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { RdsInstance, RdsSnapshot, RestorePlacement } from '../../infra/rds.js';

/** What a restore inherits from a snapshot or retained backup: storage and encryption. */
type Inherited = Pick<RdsSnapshot, 'encrypted' | 'kmsKeyId' | 'storageType'>;
import type { RestorePlacement as PolicyPlacement } from '../policy-schema.js';

export interface PlannedPlacement extends RestorePlacement {
  /** Shown, not sent: a restore's encryption and KMS key follow the snapshot or source. */
  encryption: string;
}

const yesNo = (b: boolean | undefined) => (b === undefined ? 'RDS default' : b ? 'yes' : 'no');

export function placeLike(source: RdsInstance | undefined, snapshot: Inherited | undefined, policy: PolicyPlacement, sourceName: string, from: 'snapshot' | 'source' | 'retained backups'): PlannedPlacement {
  const subnetGroup = policy.subnetGroup ?? source?.subnetGroup;
  if (!subnetGroup) {
    throw new UserError(
      `${escapeMrkdwn(sourceName)} cannot be read (it is gone) and the policy names no subnet group, so RDS would place the restore in the default VPC, reachable by nothing of ours and perhaps public. Set targets.database.restore.placement (subnetGroup, securityGroups, parameterGroup).`,
    );
  }
  const encrypted = snapshot?.encrypted ?? source?.encrypted ?? false;
  const key = snapshot?.kmsKeyId ?? source?.kmsKeyId;
  return {
    subnetGroup,
    securityGroups: policy.securityGroups ?? (source?.securityGroups.length ? source.securityGroups : undefined),
    parameterGroup: policy.parameterGroup ?? source?.parameterGroup,
    instanceClass: policy.instanceClass ?? source?.instanceClass,
    multiAZ: policy.multiAZ ?? source?.multiAZ,
    publiclyAccessible: policy.publiclyAccessible,
    deletionProtection: policy.deletionProtection ?? source?.deletionProtection,
    iamAuth: policy.iamAuth ?? source?.iamAuth,
    storageType: policy.storageType ?? snapshot?.storageType ?? source?.storageType,
    encryption: encrypted ? `encrypted with ${key ?? 'the default RDS key'} (follows the ${from})` : `not encrypted (follows the ${from})`,
  };
}

export function placementFacts(p: PlannedPlacement): Array<[string, string]> {
  return [
    ['Network', `subnet group ${p.subnetGroup}, security groups ${p.securityGroups?.join(', ') ?? 'the VPC default'}, publicly accessible: ${p.publiclyAccessible ? 'YES' : 'no'}`],
    ['Settings', `parameter group ${p.parameterGroup ?? 'the engine default'}, ${p.instanceClass ?? 'the source class'}, Multi-AZ: ${yesNo(p.multiAZ)}, deletion protection: ${yesNo(p.deletionProtection)}, IAM auth: ${yesNo(p.iamAuth)}`],
    ['Storage', `${p.storageType ?? 'as the source'}, ${p.encryption}`],
  ];
}

/** What the restore call is given (the encryption line is for people only). */
export const placementParams = ({ encryption: _shown, ...p }: PlannedPlacement): RestorePlacement => p;
