/** Elastic Load Balancing v2: a listener's default target group, target health, and the switch (`/dr failover-lb`). */
import type { ElasticLoadBalancingV2Client, Listener } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsCallError, clientOptions, WaitWatch, type AwsAccess, type AwsWaitOptions } from './aws-call.js';

type Sdk = typeof import('@aws-sdk/client-elastic-load-balancing-v2');
let sdkLoading: Promise<Sdk> | undefined;
/** Loaded at the first ELB call, not at start-up (like the RDS adapter). */
const loadSdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-elastic-load-balancing-v2'));

export interface LbListener {
  arn: string;
  port?: number;
  protocol?: string;
  /** The target group the default action forwards to (the heaviest one of a weighted forward). */
  targetGroup?: string;
}

export interface LbTargetGroup {
  arn: string;
  name: string;
  interval?: number;
  timeout?: number;
  healthyThreshold?: number;
}

export interface LbTarget {
  id: string;
  port?: number;
  state: string;
  reason?: string;
}

/** `2/3 healthy` (and what the others are), for plans and progress. */
export const healthText = (ts: LbTarget[]): string => {
  const healthy = ts.filter((t) => t.state === 'healthy').length;
  const other = [...new Set(ts.filter((t) => t.state !== 'healthy').map((t) => t.state))];
  return `${healthy}/${ts.length} healthy${other.length ? ` (others ${other.join(', ')})` : ''}`;
};

const forwardsTo = (l: Listener): string | undefined => {
  const a = (l.DefaultActions ?? []).find((x) => x.Type === 'forward');
  if (!a) return undefined;
  if (a.TargetGroupArn) return a.TargetGroupArn;
  const groups = [...(a.ForwardConfig?.TargetGroups ?? [])].sort((x, y) => (y.Weight ?? 1) - (x.Weight ?? 1));
  return groups[0]?.TargetGroupArn;
};

export class ElbAdapter {
  private client?: ElasticLoadBalancingV2Client;
  private readonly watch = new WaitWatch();
  constructor(private readonly a: AwsAccess) {}

  private async elb(): Promise<{ sdk: Sdk; client: ElasticLoadBalancingV2Client }> {
    const sdk = await loadSdk();
    if (!this.client) {
      this.client = this.watch.attach(new sdk.ElasticLoadBalancingV2Client(clientOptions(this.a)));
    }
    return { sdk, client: this.client };
  }

  private async call<T>(fn: (r: { sdk: Sdk; client: ElasticLoadBalancingV2Client }) => Promise<T>): Promise<T> {
    const r = await this.elb();
    try {
      return await fn(r);
    } catch (err) {
      throw awsCallError('ELB', err);
    }
  }

  async listener(arn: string, timeoutMs = 10_000): Promise<LbListener> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.DescribeListenersCommand({ ListenerArns: [arn] }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
    const l = r.Listeners?.[0];
    return { arn, port: l?.Port, protocol: l?.Protocol, targetGroup: l ? forwardsTo(l) : undefined };
  }

  async targetGroup(arn: string, timeoutMs = 10_000): Promise<LbTargetGroup> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
    const g = r.TargetGroups?.[0];
    return { arn, name: g?.TargetGroupName ?? arn.split('/').at(-2) ?? arn, interval: g?.HealthCheckIntervalSeconds, timeout: g?.HealthCheckTimeoutSeconds, healthyThreshold: g?.HealthyThresholdCount };
  }

  async health(arn: string, timeoutMs = 10_000): Promise<LbTarget[]> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.DescribeTargetHealthCommand({ TargetGroupArn: arn }), { abortSignal: AbortSignal.timeout(timeoutMs) }));
    return (r.TargetHealthDescriptions ?? []).map((t) => ({ id: t.Target?.Id ?? '', port: t.Target?.Port, state: t.TargetHealth?.State ?? 'unknown', reason: t.TargetHealth?.Reason }));
  }

  /** ModifyTargetGroup: the health-check interval (and the timeout, which ELB wants below it). */
  async setHealthCheck(arn: string, intervalSeconds: number, timeoutSeconds?: number): Promise<void> {
    await this.call(({ sdk, client }) => client.send(new sdk.ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckIntervalSeconds: intervalSeconds, HealthCheckTimeoutSeconds: timeoutSeconds })));
  }

  /** ModifyListener: the default action forwards to this target group. */
  async forwardTo(listenerArn: string, targetGroupArn: string): Promise<LbListener> {
    const r = await this.call(({ sdk, client }) => client.send(new sdk.ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] })));
    const l = r.Listeners?.[0];
    return { arn: listenerArn, port: l?.Port, protocol: l?.Protocol, targetGroup: l ? forwardsTo(l) : undefined };
  }

  /** The SDK's TargetInService waiter (every target healthy), with progress. */
  async waitHealthy(arn: string, o: AwsWaitOptions): Promise<void> {
    const { sdk, client } = await this.elb();
    const input = { TargetGroupArn: arn };
    await this.watch.wait({
      ...o,
      service: 'ELB',
      command: 'DescribeTargetHealthCommand',
      input,
      what: `the targets of ${arn.split('/').at(-2) ?? arn}`,
      status: (out) => healthText(((out as { TargetHealthDescriptions?: Array<{ TargetHealth?: { State?: string }; Target?: { Id?: string } }> }).TargetHealthDescriptions ?? []).map((t) => ({ id: t.Target?.Id ?? '', state: t.TargetHealth?.State ?? 'unknown' }))),
      waiter: (p) => sdk.waitUntilTargetInService({ client, ...p }, input),
    });
  }

  destroy(): void {
    this.client?.destroy();
  }
}
