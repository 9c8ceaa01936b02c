/**
 * A local stand-in for Amazon CloudWatch's GetMetricStatistics, as @aws-sdk/client-cloudwatch speaks it
 * today: AWS JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.GetMetricStatistics`, SigV4-signed,
 * timestamps as epoch seconds) with query-compatible errors (`x-amzn-query-error: Code;Sender`). It serves
 * the `AWS/RDS` `ReplicaLag` datapoints a test sets per instance (seconds; -1 = not replicating).
 */
import http from 'node:http';
import { closeServer, listenLocal, readBody } from './local-http.js';

export interface CloudWatchCall {
  target: string;
  body: Record<string, any>;
  signed: boolean;
}

export class CloudWatchPeer {
  readonly calls: CloudWatchCall[] = [];
  /** instance id → ReplicaLag datapoints (newest last), each `{ at: ms, seconds }`. */
  readonly replicaLag = new Map<string, Array<{ at: number; seconds: number }>>();
  private faults: Array<{ status: number; code: string; message: string }> = [];
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setLag(instance: string, seconds: number, at = Date.now() - 30_000): void {
    this.replicaLag.set(instance, [{ at, seconds }]);
  }

  failNext(code: string, message: string, status = 400): void {
    this.faults.push({ status, code, message });
  }

  private answer(target: string, body: Record<string, any>): { status: number; body: unknown; headers?: Record<string, string> } {
    const fault = this.faults.shift();
    if (fault) return { status: fault.status, body: { __type: `com.amazonaws.cloudwatch#${fault.code}`, message: fault.message }, headers: { 'x-amzn-query-error': `${fault.code};Sender` } };
    if (target !== 'GraniteServiceVersion20100801.GetMetricStatistics') return { status: 400, body: { __type: 'com.amazonaws.cloudwatch#InvalidAction', message: `unknown target ${target}` }, headers: { 'x-amzn-query-error': 'InvalidAction;Sender' } };
    for (const k of ['Namespace', 'MetricName', 'StartTime', 'EndTime', 'Period']) {
      if (body[k] === undefined) return { status: 400, body: { __type: 'com.amazonaws.cloudwatch#MissingParameter', message: `The parameter ${k} is required.` }, headers: { 'x-amzn-query-error': 'MissingParameter;Sender' } };
    }
    if (!(body.Statistics?.length || body.ExtendedStatistics?.length)) return { status: 400, body: { __type: 'com.amazonaws.cloudwatch#MissingParameter', message: 'Statistics or ExtendedStatistics is required.' }, headers: { 'x-amzn-query-error': 'MissingParameter;Sender' } };
    const instance = (body.Dimensions ?? []).find((d: { Name: string }) => d.Name === 'DBInstanceIdentifier')?.Value;
    const from = Number(body.StartTime) * 1000;
    const to = Number(body.EndTime) * 1000;
    const points = body.Namespace === 'AWS/RDS' && body.MetricName === 'ReplicaLag' ? (this.replicaLag.get(instance) ?? []) : [];
    const datapoints = points.filter((p) => p.at >= from && p.at <= to).map((p) => ({ Timestamp: p.at / 1000, Maximum: p.seconds, Unit: 'Seconds' }));
    return { status: 200, body: { Label: body.MetricName, Datapoints: datapoints } };
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      readBody(req, (raw) => {
        const target = String(req.headers['x-amz-target'] ?? '');
        let body: Record<string, any> = {};
        try {
          body = raw ? JSON.parse(raw) : {};
        } catch {
          body = {};
        }
        this.calls.push({ target, body, signed: String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=') });
        const a = String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.0')
          ? this.answer(target, body)
          : { status: 400, body: { __type: 'com.amazonaws.cloudwatch#InvalidAction', message: 'expected application/x-amz-json-1.0' } };
        res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.0', ...(a as { headers?: Record<string, string> }).headers });
        res.end(JSON.stringify(a.body));
      });
    });
    this.port = await listenLocal(this.server);
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await closeServer(s);
  }
}
