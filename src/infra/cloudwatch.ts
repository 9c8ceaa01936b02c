/**
 * Amazon CloudWatch: an RDS read replica's `ReplicaLag` (AWS/RDS, seconds), for the failover plan when no
 * SQL connection to the replica is configured.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import type { RdsAccess } from './rds.js';

export interface ReplicaLag {
  /** The newest datapoint's maximum, in seconds; undefined when CloudWatch has no datapoint in the window. */
  seconds?: number;
  at?: Date;
}

export class CloudWatchAdapter {
  private readonly client: CloudWatchClient;
  constructor(a: RdsAccess) {
    this.client = new CloudWatchClient({
      region: a.region,
      ...(a.endpoint ? { endpoint: a.endpoint } : {}),
      ...(a.accessKeyId && a.secretAccessKey ? { credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken } } : {}),
      maxAttempts: 3, // a read: the SDK's standard retry (throttling, 5xx) is safe here
    });
  }

  /** The newest minute's maximum ReplicaLag over the last `windowMs` (RDS publishes it every minute). */
  async replicaLag(instance: string, now: Date, o: { windowMs?: number; timeoutMs?: number } = {}): Promise<ReplicaLag> {
    const r = await this.client.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/RDS',
        MetricName: 'ReplicaLag',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: instance }],
        StartTime: new Date(now.getTime() - (o.windowMs ?? 600_000)),
        EndTime: now,
        Period: 60,
        Statistics: ['Maximum'],
      }),
      { abortSignal: AbortSignal.timeout(o.timeoutMs ?? 5_000) },
    );
    const newest = (r.Datapoints ?? []).filter((d) => d.Timestamp && d.Maximum !== undefined).sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
    return newest ? { seconds: newest.Maximum, at: newest.Timestamp } : {};
  }

  destroy(): void {
    this.client.destroy();
  }
}
