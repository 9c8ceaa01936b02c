/** What the bot reads of an RDS instance and snapshot: the SDK's shapes reduced to what plans and steps use. */
export interface RdsStatusInfo {
  type: string;
  status: string;
  normal: boolean;
  message?: string;
}

export interface RdsPlacement {
  subnetGroup?: string;
  vpcId?: string;
  securityGroups: string[];
  parameterGroup?: string;
  instanceClass?: string;
  availabilityZone?: string;
  multiAZ: boolean;
  publiclyAccessible: boolean;
  deletionProtection: boolean;
  iamAuth: boolean;
  storageType?: string;
  allocatedStorage?: number;
  iops?: number;
  encrypted: boolean;
  kmsKeyId?: string;
}

export interface RdsInstance extends RdsPlacement {
  id: string;
  status: string;
  address?: string;
  port?: number;
  /** Set on a read replica: the instance it replicates from (an ARN for a cross-region source). */
  replicaOf?: string;
  /** Set on a read replica of a Multi-AZ DB cluster. */
  replicaOfCluster?: string;
  replicas: string[];
  /** Point-in-time restore window: up to this time, back `backupRetentionDays` days (0 = no PITR). */
  latestRestorableTime?: Date;
  backupRetentionDays?: number;
  /** Replication health on a replica ("read replication": replicating / error / stopped / terminated). */
  statusInfos: RdsStatusInfo[];
  resourceId?: string;
  engine?: string;
}

export interface RdsSnapshot {
  id: string;
  instance: string;
  status: string;
  type: string;
  createdAt?: Date;
  /** Restores inherit these from the snapshot. */
  encrypted: boolean;
  kmsKeyId?: string;
  allocatedStorage?: number;
  storageType?: string;
  resourceId?: string;
}

/** The automated backups RDS keeps of an instance, also after it is deleted (`retained`): point-in-time restores by resource id. */
export interface RdsAutomatedBackup {
  resourceId: string;
  instance: string;
  status: string;
  earliest?: Date;
  latest?: Date;
  retentionDays?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  storageType?: string;
}

/** What a restore is told about where to put the new instance (undefined = RDS' default). */
export interface RestorePlacement {
  subnetGroup?: string;
  securityGroups?: string[];
  parameterGroup?: string;
  instanceClass?: string;
  multiAZ?: boolean;
  publiclyAccessible: boolean;
  deletionProtection?: boolean;
  iamAuth?: boolean;
  storageType?: string;
  allocatedStorage?: number;
  iops?: number;
}

/** An RDS call that failed, with the error code RDS gave (the SDK's exception names folded to the code). */
export class RdsCallError extends Error {
  constructor(
    readonly code: string | undefined,
    message: string,
    readonly httpStatus: number | undefined,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'RdsCallError';
  }
}
