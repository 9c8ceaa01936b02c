/**
 * A slash command exactly as Slack sends it (form fields, v0 signature), and a keep-alive POST of it.
 * The emulator's own driver opens one connection per request (agent: false), which would time TCP
 * set-up rather than the app, so the benchmark signs and sends by itself.
 */
import http from 'node:http';
import { computeSignature } from '../src/sandbox/signer.js';

export interface CommandFields {
  teamId: string;
  teamDomain: string;
  appId: string;
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Built and signed ahead of time, so the HMAC is not part of what is timed. */
export function signedCommand(signingSecret: string, f: CommandFields, timestampSec = Math.floor(Date.now() / 1000)): SignedRequest {
  const body = new URLSearchParams({
    token: 'sandbox-verification-token',
    team_id: f.teamId,
    team_domain: f.teamDomain,
    channel_id: f.channelId,
    channel_name: f.channelName,
    user_id: f.userId,
    user_name: f.userName,
    command: f.command,
    text: f.text,
    api_app_id: f.appId,
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId,
  }).toString();
  return {
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(body)),
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(timestampSec),
      'X-Slack-Signature': computeSignature(signingSecret, timestampSec, body),
    },
  };
}

/** POSTs on a kept-alive socket and resolves on the last byte of the answer (never rejects). */
export function postSigned(agent: http.Agent, target: URL, req: SignedRequest, timeoutMs: number): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const r = http.request(
      { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: req.headers },
      (res) => {
        // The body must be read to the end, or the socket never goes back to the agent.
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e) => resolve({ status: 0, error: e.message }));
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', (e) => resolve({ status: 0, error: e.message }));
    r.end(req.body);
  });
}
