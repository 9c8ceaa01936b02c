/**
 * A local stand-in for Elastic Load Balancing v2 speaking the AWS query protocol (form-encoded
 * `Action=…&Version=2015-12-01`, XML answers with `member` lists), for the operations the bot uses, as strict
 * as the service where the bot relies on it:
 * - a target group used by no listener reports its targets `unused` (Target.NotInUse); once a listener
 *   forwards to it they are `initial` (Elb.RegistrationInProgress) until `healthyThreshold` health checks
 *   passed, i.e. threshold × interval (scaled by `msPerSecond`), then `healthy` (or stay `unhealthy`);
 * - ModifyTargetGroup: the interval 5–300 s, the timeout 2–120 s and below the interval (ValidationError);
 * - ListenerNotFound / TargetGroupNotFound for an ARN it does not know; Throttling / AccessDenied on demand.
 */
import { AwsPeer, esc, type AwsAnswer, type AwsRequest } from './aws-peer.js';

const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export interface PeerTarget {
  id: string;
  port: number;
  /** A target that fails its health checks stays `unhealthy` whatever happens. */
  failing?: boolean;
}

export interface PeerTargetGroup {
  arn: string;
  name: string;
  interval: number;
  timeout: number;
  healthyThreshold: number;
  targets: PeerTarget[];
  /** Forwarded to by a listener rule elsewhere (health-checked even when no default action uses it). */
  inUseElsewhere: boolean;
  /** When its targets pass their checks, from the moment it came into use. */
  healthyAt?: number;
}

export interface PeerListener {
  arn: string;
  port: number;
  protocol: string;
  targetGroup: string;
}

const params = (raw: string) => Object.fromEntries(new URLSearchParams(raw));
const members = (p: Record<string, string>, prefix: string) =>
  Object.keys(p)
    .filter((k) => new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.member\\.\\d+$`).test(k))
    .sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map((k) => p[k]!);

export class ElbPeer extends AwsPeer {
  readonly listeners = new Map<string, PeerListener>();
  readonly groups = new Map<string, PeerTargetGroup>();
  /** How many ms one second of health-check interval takes here. */
  msPerSecond = 100;

  addGroup(name: string, o: { targets: PeerTarget[]; interval?: number; timeout?: number; healthyThreshold?: number; inUseElsewhere?: boolean }): PeerTargetGroup {
    const g: PeerTargetGroup = {
      arn: `arn:aws:elasticloadbalancing:eu-central-1:111122223333:targetgroup/${name}/${name.length.toString(16).padStart(16, '0')}`,
      name,
      interval: o.interval ?? 30,
      timeout: o.timeout ?? 5,
      healthyThreshold: o.healthyThreshold ?? 2,
      targets: o.targets,
      inUseElsewhere: o.inUseElsewhere ?? false,
      healthyAt: o.inUseElsewhere ? 0 : undefined,
    };
    this.groups.set(g.arn, g);
    return g;
  }

  addListener(name: string, targetGroupArn: string, port = 443): PeerListener {
    const l: PeerListener = { arn: `arn:aws:elasticloadbalancing:eu-central-1:111122223333:listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`, port, protocol: port === 443 ? 'HTTPS' : 'HTTP', targetGroup: targetGroupArn };
    this.listeners.set(l.arn, l);
    this.groups.get(targetGroupArn)!.healthyAt = 0;
    return l;
  }

  private inUse(g: PeerTargetGroup): boolean {
    return g.inUseElsewhere || [...this.listeners.values()].some((l) => l.targetGroup === g.arn);
  }

  private state(g: PeerTargetGroup, t: PeerTarget): [string, string?, string?] {
    if (!this.inUse(g)) return ['unused', 'Target.NotInUse', 'Target group is not configured to receive traffic from the load balancer'];
    if (t.failing) return ['unhealthy', 'Target.ResponseCodeMismatch', 'Health checks failed with these codes: [503]'];
    if (g.healthyAt === undefined || Date.now() < g.healthyAt) return ['initial', 'Elb.RegistrationInProgress', 'Target registration is in progress'];
    return ['healthy'];
  }

  protected opOf(r: AwsRequest): string | undefined {
    if (r.method !== 'POST' || r.path !== '/') return undefined;
    return params(r.raw).Action;
  }

  protected error(status: number, code: string, message: string): AwsAnswer {
    return { status, body: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>req-${Date.now()}</RequestId></ErrorResponse>` };
  }

  private ok(action: string, inner: string): AwsAnswer {
    return { status: 200, body: `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>req-${Date.now()}</RequestId></ResponseMetadata></${action}Response>` };
  }

  private listenerXml(l: PeerListener): string {
    return `<member><ListenerArn>${l.arn}</ListenerArn><LoadBalancerArn>${l.arn.replace(':listener/', ':loadbalancer/').split('/').slice(0, -1).join('/')}</LoadBalancerArn><Port>${l.port}</Port><Protocol>${l.protocol}</Protocol><DefaultActions><member><Type>forward</Type><TargetGroupArn>${l.targetGroup}</TargetGroupArn><ForwardConfig><TargetGroups><member><TargetGroupArn>${l.targetGroup}</TargetGroupArn><Weight>1</Weight></member></TargetGroups></ForwardConfig></member></DefaultActions></member>`;
  }

  private groupXml(g: PeerTargetGroup): string {
    return `<member><TargetGroupArn>${g.arn}</TargetGroupArn><TargetGroupName>${esc(g.name)}</TargetGroupName><Protocol>HTTP</Protocol><Port>8080</Port><VpcId>vpc-0prod</VpcId><HealthCheckProtocol>HTTP</HealthCheckProtocol><HealthCheckPath>/health</HealthCheckPath><HealthCheckIntervalSeconds>${g.interval}</HealthCheckIntervalSeconds><HealthCheckTimeoutSeconds>${g.timeout}</HealthCheckTimeoutSeconds><HealthyThresholdCount>${g.healthyThreshold}</HealthyThresholdCount><UnhealthyThresholdCount>2</UnhealthyThresholdCount><TargetType>instance</TargetType></member>`;
  }

  protected handle(op: string, r: AwsRequest): AwsAnswer {
    const p = params(r.raw);
    if (!String(r.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return this.error(400, 'MalformedQueryString', 'expected a form-encoded body');
    if (p.Version !== '2015-12-01') return this.error(400, 'InvalidAction', `unsupported Version ${p.Version}`);
    const groupOf = (arn: string | undefined) => (arn ? this.groups.get(arn) : undefined);
    const noGroup = (arn: string | undefined) => this.error(400, 'TargetGroupNotFound', `One or more target groups not found: ${arn}`);
    switch (op) {
      case 'DescribeListeners': {
        const arns = members(p, 'ListenerArns');
        const found = arns.map((a) => this.listeners.get(a));
        if (found.some((l) => !l)) return this.error(400, 'ListenerNotFound', 'One or more listeners not found');
        return this.ok(op, `<Listeners>${found.map((l) => this.listenerXml(l!)).join('')}</Listeners>`);
      }
      case 'DescribeTargetGroups': {
        const arns = members(p, 'TargetGroupArns');
        const found = arns.map((a) => this.groups.get(a));
        if (found.some((g) => !g)) return noGroup(arns.find((a) => !this.groups.has(a)));
        return this.ok(op, `<TargetGroups>${found.map((g) => this.groupXml(g!)).join('')}</TargetGroups>`);
      }
      case 'DescribeTargetHealth': {
        const g = groupOf(p.TargetGroupArn);
        if (!g) return noGroup(p.TargetGroupArn);
        const xml = g.targets.map((t) => {
          const [state, reason, description] = this.state(g, t);
          return `<member><Target><Id>${t.id}</Id><Port>${t.port}</Port></Target><HealthCheckPort>${t.port}</HealthCheckPort><TargetHealth><State>${state}</State>${reason ? `<Reason>${reason}</Reason><Description>${esc(description!)}</Description>` : ''}</TargetHealth></member>`;
        });
        return this.ok(op, `<TargetHealthDescriptions>${xml.join('')}</TargetHealthDescriptions>`);
      }
      case 'ModifyTargetGroup': {
        const g = groupOf(p.TargetGroupArn);
        if (!g) return noGroup(p.TargetGroupArn);
        const interval = p.HealthCheckIntervalSeconds ? Number(p.HealthCheckIntervalSeconds) : g.interval;
        const timeout = p.HealthCheckTimeoutSeconds ? Number(p.HealthCheckTimeoutSeconds) : g.timeout;
        if (interval < 5 || interval > 300) return this.error(400, 'ValidationError', `1 validation error detected: Value '${interval}' at 'healthCheckIntervalSeconds' failed to satisfy constraint: Member must have value between 5 and 300`);
        if (timeout < 2 || timeout > 120) return this.error(400, 'ValidationError', `Value '${timeout}' at 'healthCheckTimeoutSeconds' failed to satisfy constraint: Member must have value between 2 and 120`);
        if (timeout >= interval) return this.error(400, 'ValidationError', 'Health check interval must be greater than the timeout.');
        g.interval = interval;
        g.timeout = timeout;
        return this.ok(op, `<TargetGroups>${this.groupXml(g)}</TargetGroups>`);
      }
      case 'ModifyListener': {
        const l = this.listeners.get(p.ListenerArn ?? '');
        if (!l) return this.error(400, 'ListenerNotFound', 'One or more listeners not found');
        if (p['DefaultActions.member.1.Type'] !== 'forward') return this.error(400, 'ValidationError', 'A forward action is expected');
        const g = groupOf(p['DefaultActions.member.1.TargetGroupArn']);
        if (!g) return noGroup(p['DefaultActions.member.1.TargetGroupArn']);
        const wasInUse = this.inUse(g);
        l.targetGroup = g.arn;
        // A group that starts receiving traffic is health-checked from now: healthy after `healthyThreshold` passes.
        if (!wasInUse) g.healthyAt = Date.now() + g.healthyThreshold * g.interval * this.msPerSecond;
        return this.ok(op, `<Listeners>${this.listenerXml(l)}</Listeners>`);
      }
      default:
        return this.error(400, 'InvalidAction', `The action ${op} is not valid for this web service.`);
    }
  }
}
