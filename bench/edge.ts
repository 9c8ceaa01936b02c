/**
 * Load balancer, DNS and CDN recovery figures, the bot against the bare API calls on the same local peers:
 * - lb_failover_bare_ms: ModifyTargetGroup + ModifyListener + the TargetInService waiter + GET of the health
 *   URL, straight from the SDK; lb_failover_bot_ms: Confirm → the action is done (the same calls, plus the
 *   Confirm-time re-check, the verify read, the rows and timeline); lb_failover_overhead_ms: the difference;
 *   lb_failover_card_done_ms: Confirm → the card says Done (its redraws are paced at one a second);
 * - dns_failover_*: ChangeResourceRecordSets + the ResourceRecordSetsChanged waiter + ListResourceRecordSets;
 * - cdn_purge_*: CreateInvalidation + the InvalidationCompleted waiter.
 * Each overhead's goal is < 1000. Both sides use the same SDK waiters polling every 100 ms (backing off to
 * 400 ms with jitter); the peers answer INSYNC / Completed at once by default, so that the waiters' random
 * delays do not drown the bot's own time: EDGE_PEER_MS=500 makes them wait (noisier). Medians of EDGE_RUNS (7).
 */
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { actionDriver } from '../test/helpers/dr-actions.js';
import { drPolicy } from '../test/helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../test/helpers/harness.js';
import { CloudFrontPeer } from '../test/peers/cloudfront.js';
import { ElbPeer } from '../test/peers/elbv2.js';
import { closeServer, listenLocal } from '../test/peers/local-http.js';
import { Route53Peer } from '../test/peers/route53.js';
import { printFigures, type Figures } from './report.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const POLL_S = 0.1;
const creds = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTESTTESTTEST', secretAccessKey: 'test-secret' } };
const waiter = { minDelay: POLL_S, maxDelay: 4 * POLL_S, maxWaitTime: 60 };

export async function runEdgeBench(): Promise<{ figures: Figures; details: Record<string, unknown> }> {
  const runs = Math.max(1, Number(process.env.EDGE_RUNS ?? 7));
  const peerMs = Number(process.env.EDGE_PEER_MS ?? 0);
  const elb = await new ElbPeer().start();
  const r53 = await new Route53Peer().start();
  const cf = await new CloudFrontPeer().start();
  r53.propagateMs = peerMs;
  cf.invalidateMs = peerMs;
  const blue = elb.addGroup('api-blue', { targets: [{ id: 'i-b0', port: 8080, failing: true }], inUseElsewhere: true });
  const green = elb.addGroup('api-green', { targets: [{ id: 'i-g0', port: 8080 }, { id: 'i-g1', port: 8080 }], inUseElsewhere: true });
  const listener = elb.addListener('boom-api', blue.arn);
  r53.addZone('Z0BENCH', 'boomcard.bg', [{ name: 'api.boomcard.bg', type: 'A', ttl: 60, values: ['203.0.113.10'] }]);
  cf.add('E0BENCH', { origins: [{ id: 'web-primary', domain: 'origin.boomcard.bg' }], target: 'web-primary' });
  const health = http.createServer((_q, s) => s.writeHead(200).end('ok'));
  const healthUrl = `http://127.0.0.1:${await listenLocal(health)}/health`;
  const reset = () => {
    listener.targetGroup = blue.arn;
    green.interval = 30;
    green.timeout = 5;
    r53.zones.get('Z0BENCH')!.records[0]!.values = ['203.0.113.10'];
  };

  const elbSdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const r53Sdk = await import('@aws-sdk/client-route-53');
  const cfSdk = await import('@aws-sdk/client-cloudfront');
  const elbClient = new elbSdk.ElasticLoadBalancingV2Client({ ...creds, region: 'eu-central-1', endpoint: elb.url });
  const r53Client = new r53Sdk.Route53Client({ ...creds, endpoint: r53.url });
  const cfClient = new cfSdk.CloudFrontClient({ ...creds, endpoint: cf.url });

  const bare = {
    async lb(): Promise<number> {
      const t0 = performance.now();
      await elbClient.send(new elbSdk.ModifyTargetGroupCommand({ TargetGroupArn: green.arn, HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4 }));
      await elbClient.send(new elbSdk.ModifyListenerCommand({ ListenerArn: listener.arn, DefaultActions: [{ Type: 'forward', TargetGroupArn: green.arn }] }));
      await elbSdk.waitUntilTargetInService({ client: elbClient, ...waiter }, { TargetGroupArn: green.arn });
      const r = await fetch(healthUrl);
      await r.body?.cancel();
      return performance.now() - t0;
    },
    async dns(): Promise<number> {
      const t0 = performance.now();
      const c = await r53Client.send(new r53Sdk.ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z0BENCH', ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'api.boomcard.bg.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.10' }] } }] } }));
      await r53Sdk.waitUntilResourceRecordSetsChanged({ client: r53Client, ...waiter }, { Id: c.ChangeInfo!.Id! });
      await r53Client.send(new r53Sdk.ListResourceRecordSetsCommand({ HostedZoneId: 'Z0BENCH', StartRecordName: 'api.boomcard.bg.', StartRecordType: 'A', MaxItems: 10 }));
      return performance.now() - t0;
    },
    async cdn(i: number): Promise<number> {
      const t0 = performance.now();
      const inv = await cfClient.send(new cfSdk.CreateInvalidationCommand({ DistributionId: 'E0BENCH', InvalidationBatch: { CallerReference: `bench-${i}-${Date.now()}`, Paths: { Quantity: 1, Items: ['/*'] } } }));
      await cfSdk.waitUntilInvalidationCompleted({ client: cfClient, ...waiter }, { DistributionId: 'E0BENCH', Id: inv.Invalidation!.Id! });
      return performance.now() - t0;
    },
  };

  let h: Harness | undefined;
  let lastSteps: Record<string, string[]> = {};
  const d = actionDriver(() => h!);
  const samples: Record<'lb' | 'dns' | 'cdn', { bare: number[]; bot: number[]; card: number[] }> = { lb: { bare: [], bot: [], card: [] }, dns: { bare: [], bot: [], card: [] }, cdn: { bare: [], bot: [], card: [] } };
  try {
    h = await startHarness({
      policy: drPolicy({
        targets: {
          loadBalancers: { pollEvery: `${POLL_S * 1000}ms`, services: { api: { listenerArnEnv: 'API_LISTENER_ARN', primaryTargetGroupArnEnv: 'API_BLUE_TG_ARN', backupTargetGroupArnEnv: 'API_GREEN_TG_ARN', healthUrl } } },
          dns: { hostedZoneIdEnv: 'ZONE_ID', pollEvery: `${POLL_S * 1000}ms`, records: { api: { name: 'api.boomcard.bg', ttl: 60, primary: { values: ['203.0.113.10'] }, backup: { values: ['198.51.100.10'] } } } },
          cdn: { distributionIdEnv: 'DIST_ID', primaryOrigin: 'web-primary', backupOrigin: 'web-backup', pollEvery: `${POLL_S * 1000}ms` },
        },
      }),
      env: {
        AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: elb.url,
        AWS_ENDPOINT_URL_ROUTE_53: r53.url,
        AWS_ENDPOINT_URL_CLOUDFRONT: cf.url,
        AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST',
        AWS_SECRET_ACCESS_KEY: 'test-secret',
        API_LISTENER_ARN: listener.arn,
        API_BLUE_TG_ARN: blue.arn,
        API_GREEN_TG_ARN: green.arn,
        ZONE_ID: 'Z0BENCH',
        DIST_ID: 'E0BENCH',
      },
    });
    await d.declare(PEOPLE.maria, 'L1 Bench edge recovery');
    let n = 0;
    const steps: Record<string, string[]> = {};
    lastSteps = steps;
    /**
     * Confirm click → the action row is `succeeded` (finished_at, on this machine's clock): the bot's own time.
     * The card says Done a little later: its redraws are paced one a second (Slack's rate for editing a
     * message, CARD_EDIT_GAP_MS), reported apart as *_card_done_ms.
     */
    const bot = async (command: string): Promise<{ ms: number; cardMs: number }> => {
      n += 1;
      await h!.run(PEOPLE.maria, '/dr', command);
      const plan = await d.planCard(n);
      const clickedAt = Date.now();
      const t0 = performance.now();
      await d.confirm(PEOPLE.ivan, n);
      const text = await d.finished(plan.ts, 60_000);
      const cardMs = performance.now() - t0;
      if (!text.includes('Done in')) throw new Error(`${command} did not finish:\n${text}`);
      const a = await h!.bot.actions.mustGet(n);
      steps[command] = a.steps.map((x) => `${x.id} ${x.ms}`);
      return { ms: a.finishedAt!.getTime() - clickedAt, cardMs };
    };
    // One warm-up of each (the SDKs' first load, the clients' first connections) before anything is measured.
    for (let i = -1; i < runs; i++) {
      reset();
      const lbBare = await bare.lb();
      reset();
      const lbBot = await bot('failover-lb api');
      reset();
      const dnsBare = await bare.dns();
      reset();
      const dnsBot = await bot('failover-dns api');
      const cdnBare = await bare.cdn(i);
      const cdnBot = await bot('purge-cdn');
      if (i < 0) continue;
      for (const [k, b, r] of [['lb', lbBare, lbBot], ['dns', dnsBare, dnsBot], ['cdn', cdnBare, cdnBot]] as const) {
        samples[k].bare.push(b);
        samples[k].bot.push(r.ms);
        samples[k].card.push(r.cardMs);
      }
    }
  } finally {
    await h?.stop();
    elbClient.destroy();
    r53Client.destroy();
    cfClient.destroy();
    await Promise.all([elb.close(), r53.close(), cf.close(), closeServer(health)]);
  }
  const figures: Figures = {};
  for (const [k, name] of [['lb', 'lb_failover'], ['dns', 'dns_failover'], ['cdn', 'cdn_purge']] as const) {
    figures[`${name}_bare_ms`] = median(samples[k].bare);
    figures[`${name}_bot_ms`] = median(samples[k].bot);
    figures[`${name}_overhead_ms`] = median(samples[k].bot) - median(samples[k].bare);
    figures[`${name}_card_done_ms`] = median(samples[k].card);
  }
  const round = (xs: number[]) => xs.map(Math.round);
  return { figures, details: { runs, peerMs, steps: lastSteps, pollMs: POLL_S * 1000, samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { bare: round(v.bare), bot: round(v.bot), card: round(v.card) }])) } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runEdgeBench();
  printFigures(r.figures);
  console.error(JSON.stringify(r.details));
}
