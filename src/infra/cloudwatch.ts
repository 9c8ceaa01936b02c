/**
 * Amazon CloudWatch: an RDS read replica's `ReplicaLag` (AWS/RDS, seconds), for the failover plan when no
 * SQL connection to the replica is configured.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { RdsAccess } from './rds.js';

export interface ReplicaLag {
  /** The newest datapoint's maximum, in seconds; undefined when CloudWatch has no datapoint in the window. */
  seconds?: number;
  at?: Date;
}

type Sdk = typeof import('@aws-sdk/client-cloudwatch');
let sdkLoading: Promise<Sdk> | undefined;
/** Loaded at the first lag query, not at start-up (as the RDS SDK): memory and start time of a bot at rest. */
const loadSdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-cloudwatch'));

export class CloudWatchAdapter {
  private client?: CloudWatchClient;
  constructor(private readonly a: RdsAccess) {}

  private async cloudwatch(): Promise<{ sdk: Sdk; client: CloudWatchClient }> {
    const sdk = await loadSdk();
    const a = this.a;
    this.client ??= new sdk.CloudWatchClient({
      region: a.region,
      ...(a.endpoint ? { endpoint: a.endpoint } : {}),
      ...(a.accessKeyId && a.secretAccessKey ? { credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken } } : {}),
      maxAttempts: 3, // a read: the SDK's standard retry (throttling, 5xx) is safe here
    });
    return { sdk, client: this.client };
  }

  /** The newest minute's maximum ReplicaLag over the last `windowMs` (RDS publishes it every minute). */
  async replicaLag(instance: string, now: Date, o: { windowMs?: number; timeoutMs?: number } = {}): Promise<ReplicaLag> {
    const { sdk, client } = await this.cloudwatch();
    const r = await client.send(
      new sdk.GetMetricStatisticsCommand({
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
    this.client?.destroy();
  }
}
