/**
 * Where a point-in-time restore comes from: the live primary (its LatestRestorableTime and retention), or,
 * when the primary was deleted, the automated backups RDS retained for it (DescribeDBInstanceAutomatedBackups,
 * restored by `SourceDbiResourceId`) — the usual state of things after a "Complete Database Loss".
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { RdsAdapter, RdsInstance } from '../../infra/rds.js';

export interface PitrSource {
  /** What the restore call names: the instance, or the retained backups' resource id. */
  ref: { instance: string } | { resourceId: string };
  label: string;
  earliest: Date;
  latest: Date;
  retentionDays?: number;
  /** The live instance, for placement; undefined when only retained backups are left. */
  instance?: RdsInstance;
  encrypted: boolean;
  kmsKeyId?: string;
  storageType?: string;
}

export async function pitrSource(rds: RdsAdapter, primary: string, now: Date, ask: <T>(what: string, p: Promise<T>) => Promise<T>): Promise<PitrSource> {
  const src = await ask(primary, rds.describe(primary));
  if (src) {
    if (!src.latestRestorableTime || !src.backupRetentionDays) throw new UserError(`${escapeMrkdwn(primary)} has no automated backups, so it has no point in time to restore; use \`/dr restore-db snapshot latest\`.`);
    return {
      ref: { instance: src.id },
      label: `${src.id} (${src.status}), ${src.backupRetentionDays} day(s) of backups`,
      earliest: new Date(now.getTime() - src.backupRetentionDays * 86_400_000),
      latest: src.latestRestorableTime,
      retentionDays: src.backupRetentionDays,
      instance: src,
      encrypted: src.encrypted,
      kmsKeyId: src.kmsKeyId,
      storageType: src.storageType,
    };
  }
  const kept = (await ask(`${primary}'s automated backups`, rds.automatedBackups(primary))).find((b) => b.status === 'retained' && b.earliest && b.latest);
  if (!kept) throw new UserError(`RDS has no instance "${escapeMrkdwn(primary)}" and keeps no retained automated backups of it, so there is no point in time to restore; use \`/dr restore-db snapshot latest\` (its final snapshot).`);
  return {
    ref: { resourceId: kept.resourceId },
    label: `${primary} is deleted; its retained automated backups (${kept.resourceId})`,
    earliest: kept.earliest!,
    latest: kept.latest!,
    retentionDays: kept.retentionDays,
    encrypted: kept.encrypted,
    kmsKeyId: kept.kmsKeyId,
    storageType: kept.storageType,
  };
}
