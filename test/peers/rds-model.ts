/**
 * The RDS peer's model: instances whose status moves through RDS' documented sequences by itself
 * (RDS User Guide, "Viewing Amazon RDS DB instance status"), and their XML as DescribeDBInstances gives it
 * (list member names from the API model: VpcSecurityGroupMembership, DBParameterGroup, DBInstanceStatusInfo).
 */
export interface PeerStatusInfo {
  type: string;
  status: string;
  normal: boolean;
  message?: string;
}

export interface PeerInstance {
  id: string;
  status: string;
  address: string;
  port: number;
  replicaOf?: string;
  replicaOfCluster?: string;
  /** Statuses still to come, each until an absolute time; then `endsIn` (default `available`) and `settle`. */
  phases: Array<{ status: string; until: number }>;
  /** Where the current sequence ends: `available`, or a failure state (`incompatible-parameters`…). */
  endsIn?: string;
  settle?: (i: PeerInstance) => void;
  /** A sequence is under way (set by schedule, cleared when it ends). */
  inSequence?: boolean;
  latestRestorableTime?: number;
  backupRetentionDays: number;
  restoredFrom?: string;
  subnetGroup: string;
  vpcId: string;
  securityGroups: string[];
  parameterGroup: string;
  instanceClass: string;
  availabilityZone: string;
  multiAZ: boolean;
  publiclyAccessible: boolean;
  deletionProtection: boolean;
  iamAuth: boolean;
  storageType: string;
  allocatedStorage: number;
  encrypted: boolean;
  kmsKeyId?: string;
  statusInfos: PeerStatusInfo[];
}

export type NewInstance = Partial<PeerInstance> & { id: string; status: string };

export function makeInstance(i: NewInstance): PeerInstance {
  return {
    address: `${i.id}.abc123.eu-central-1.rds.amazonaws.com`,
    port: 5432,
    phases: [],
    backupRetentionDays: i.replicaOf ? 0 : 7,
    subnetGroup: 'production-db-subnets',
    vpcId: 'vpc-0prod',
    securityGroups: ['sg-0db0prod'],
    parameterGroup: 'boom-postgres16',
    instanceClass: 'db.r6g.large',
    availabilityZone: 'eu-central-1a',
    multiAZ: false,
    publiclyAccessible: false,
    deletionProtection: true,
    iamAuth: false,
    storageType: 'gp3',
    allocatedStorage: 200,
    encrypted: true,
    kmsKeyId: 'arn:aws:kms:eu-central-1:111122223333:key/prod-db',
    statusInfos: [],
    ...i,
  };
}

/** Runs the sequence: each phase's status until its time, then where it ends. */
export function tick(i: PeerInstance, now = Date.now()): PeerInstance {
  while (i.phases.length && now >= i.phases[0]!.until) i.phases.shift();
  if (i.phases.length) {
    i.status = i.phases[0]!.status;
  } else if (i.inSequence) {
    i.status = i.endsIn ?? 'available';
    if (i.status === 'available') i.settle?.(i);
    i.endsIn = undefined;
    i.settle = undefined;
    i.inSequence = false;
  }
  return i;
}

/** Starts a sequence: `[['modifying', 400], ['rebooting', 300]]` from now. */
export function schedule(i: PeerInstance, seq: Array<[string, number]>, settle?: (i: PeerInstance) => void): void {
  let at = Date.now();
  i.phases = seq.map(([status, ms]) => ({ status, until: (at += ms) }));
  i.status = seq[0]![0];
  i.settle = settle;
  i.inSequence = true;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const el = (name: string, v: string | number | boolean | undefined) => (v === undefined ? '' : `<${name}>${typeof v === 'string' ? esc(v) : String(v)}</${name}>`);

export function instanceXml(i: PeerInstance, replicas: string[]): string {
  return (
    '<DBInstance>' +
    el('DBInstanceIdentifier', i.id) +
    el('DBInstanceStatus', i.status) +
    el('Engine', 'postgres') +
    el('DBInstanceClass', i.instanceClass) +
    el('DbiResourceId', `db-${i.id.toUpperCase().replace(/[^A-Z0-9]/g, '')}`) +
    `<Endpoint>${el('Address', i.address)}${el('Port', i.port)}</Endpoint>` +
    el('ReadReplicaSourceDBInstanceIdentifier', i.replicaOf) +
    el('ReadReplicaSourceDBClusterIdentifier', i.replicaOfCluster) +
    (i.latestRestorableTime !== undefined ? el('LatestRestorableTime', new Date(i.latestRestorableTime).toISOString()) : '') +
    el('BackupRetentionPeriod', i.backupRetentionDays) +
    `<DBSubnetGroup>${el('DBSubnetGroupName', i.subnetGroup)}${el('VpcId', i.vpcId)}${el('SubnetGroupStatus', 'Complete')}</DBSubnetGroup>` +
    `<VpcSecurityGroups>${i.securityGroups.map((g) => `<VpcSecurityGroupMembership>${el('VpcSecurityGroupId', g)}${el('Status', 'active')}</VpcSecurityGroupMembership>`).join('')}</VpcSecurityGroups>` +
    `<DBParameterGroups><DBParameterGroup>${el('DBParameterGroupName', i.parameterGroup)}${el('ParameterApplyStatus', 'in-sync')}</DBParameterGroup></DBParameterGroups>` +
    el('AvailabilityZone', i.availabilityZone) +
    el('MultiAZ', i.multiAZ) +
    el('PubliclyAccessible', i.publiclyAccessible) +
    el('DeletionProtection', i.deletionProtection) +
    el('IAMDatabaseAuthenticationEnabled', i.iamAuth) +
    el('StorageType', i.storageType) +
    el('AllocatedStorage', i.allocatedStorage) +
    el('StorageEncrypted', i.encrypted) +
    el('KmsKeyId', i.kmsKeyId) +
    (i.statusInfos.length
      ? `<StatusInfos>${i.statusInfos.map((s) => `<DBInstanceStatusInfo>${el('StatusType', s.type)}${el('Normal', s.normal)}${el('Status', s.status)}${el('Message', s.message)}</DBInstanceStatusInfo>`).join('')}</StatusInfos>`
      : '') +
    `<ReadReplicaDBInstanceIdentifiers>${replicas.map((r) => el('ReadReplicaDBInstanceIdentifier', r)).join('')}</ReadReplicaDBInstanceIdentifiers>` +
    '</DBInstance>'
  );
}

export { esc };
