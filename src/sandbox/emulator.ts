/**
 * SlackEmulator: a local stand-in for Slack that a real Bolt app talks to over HTTP. It answers the
 * Web API (point the WebClient's slackApiUrl at `apiUrl`), keeps the workspace Slack would show, and
 * drives the bot with signed slash commands and interactions. Events: 'change' (any state change),
 * 'call' (a Web API call was answered, with its CallRecord).
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeView, clickButton, slashCommand, submitView, type ClickInput, type DriverDeps, type SlashCommandInput } from './driver.js';
import { FaultQueue } from './faults.js';
import type { ApiContext } from './methods/context.js';
import { sendSigned } from './send-signed.js';
import { WorkspaceState } from './state.js';
import { Tokens } from './tokens.js';
import { waitForChange } from './wait-for.js';
import type { BotReply, CallRecord, Channel, EmulatorOptions, Ephemeral, FailSpec, Message, User, Usergroup, View } from './types.js';
import { describeState } from './summary.js';
import { restoreSnapshot, takeSnapshot, type WorkspaceSnapshot } from './snapshot.js';
import { createApiListener } from './web-api.js';
import { SocketModeServer, toEnvelope } from './socket-mode.js';
import { RateLimiter, type RateLimitOptions } from './rate-limits.js';
import { manifestBotScopes } from '../slack/scopes.js';

export * from './types.js';
export { signRequest, verifySignature, computeSignature } from './signer.js';
export type { WorkspaceSnapshot } from './snapshot.js';
export { SLACK_RATE_LIMITS, type RateLimitOptions } from './rate-limits.js';

/** Extra routes on the emulator's server (the local workspace page); true = handled, false = not mine. */
export type MountedHandler = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export class SlackEmulator extends EventEmitter {
  latencyMs: number;
  /** Per method: Slack acts at once but answers this much later (a post that lands while the caller times out). */
  answerDelayMs: Record<string, number> = {};
  botEndpoint: string;
  readonly calls: CallRecord[] = [];
  readonly botUserId: string;
  readonly botId = 'B0BOT';
  readonly teamId: string;
  private readonly state: WorkspaceState;
  private readonly tokens: Tokens;
  private readonly faults = new FaultQueue();
  private readonly pending = new Set<http.ClientRequest>();
  private server?: http.Server;
  private port = 0;
  private mounted: MountedHandler[] = [];
  private readonly scopes: Set<string>;
  /** Slack's rate limits, when enforced (EmulatorOptions.rateLimits or limitRates()); refusals are counted in it. */
  rateLimiter?: RateLimiter;
  /** Set by useSocketMode(): the bot is then reached over its WebSocket instead of botEndpoint. */
  socketMode?: SocketModeServer;

  constructor(private readonly opts: EmulatorOptions) {
    super();
    this.setMaxListeners(0); // every waitFor() listens to 'change'
    this.latencyMs = opts.latencyMs ?? 0;
    this.botEndpoint = opts.botEndpoint ?? 'http://127.0.0.1:3000/slack/events';
    this.botUserId = opts.botUserId ?? 'UBOT';
    this.teamId = opts.teamId ?? 'T0BOOM';
    this.tokens = new Tokens(opts.triggerTtlMs ?? 3000);
    this.scopes = new Set(opts.scopes ?? manifestBotScopes());
    this.state = new WorkspaceState(this.botUserId, () => this.emit('change'));
    this.state.views.configure({ teamId: this.teamId, appId: opts.appId ?? 'A0BOOM', botId: this.botId });
    this.state.users.set(this.botUserId, { id: this.botUserId, name: 'drbot', real_name: 'DR Bot', is_bot: true });
    if (opts.rateLimits) this.limitRates(opts.rateLimits === true ? {} : opts.rateLimits);
  }

  /** Enforces Slack's rate limits from now on (fresh buckets), or stops enforcing them (false). */
  limitRates(o: RateLimitOptions | false = {}): void {
    this.rateLimiter = o === false ? undefined : new RateLimiter(o);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Trigger ids live this long (Slack: 3 s); settable so tests can check expiry quickly. */
  set triggerTtlMs(ms: number) {
    this.tokens.triggerTtlMs = ms;
  }

  /**
   * Serves more routes from the emulator's own port, tried before the Web API's; the local workspace
   * puts its page there so one port answers both the browser and the bot's WebClient.
   */
  mount(handler: MountedHandler): void {
    this.mounted.push(handler);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    const api = createApiListener({
      context: () => this.context(),
      botToken: this.opts.botToken,
      latencyMs: () => this.latencyMs,
      answerDelayMs: (method) => this.answerDelayMs[method] ?? 0,
      faults: this.faults,
      rateLimiter: () => this.rateLimiter,
      record: (call) => {
        this.calls.push(call);
        this.emit('call', call);
        this.emit('change');
      },
    });
    const server = http.createServer((req, res) => {
      for (const handler of this.mounted) if (handler(req, res)) return;
      if (this.socketMode?.handle(req, res)) return;
      api(req, res);
    });
    server.on('upgrade', (req, sock, head) => {
      if (this.socketMode) this.socketMode.upgrade(req, sock, head);
      else sock.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes the server, its keep-alive sockets and any request still on its way to the bot. */
  async stop(): Promise<void> {
    this.socketMode?.close();
    for (const req of this.pending) req.destroy();
    this.pending.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ---- workspace ----
  addUser(u: User): void {
    this.state.users.set(u.id, { ...u });
    this.emit('change');
  }

  /** The bot is a member unless `members` says otherwise (private channels then answer not_in_channel). */
  addChannel(c: Channel): void {
    this.state.channels.set(c.id, { ...c, members: c.members ?? [this.botUserId], created: c.created ?? Date.now() });
    this.emit('change');
  }

  // ---- install state tests change: the token's scopes (x-oauth-scopes) and the bot's memberships ----
  get grantedScopes(): string[] {
    return [...this.scopes];
  }
  /** As if the app were reinstalled without that scope: methods needing it answer missing_scope. */
  revokeScope = (scope: string): void => void this.scopes.delete(scope);
  grantScope = (scope: string): void => void this.scopes.add(scope);
  /** Takes someone (default: the bot) out of a channel, like /kick; addMember is /invite. */
  removeMember = (channel: string, user = this.botUserId): void => this.setMembers(channel, (m) => m.filter((x) => x !== user));
  addMember = (channel: string, user = this.botUserId): void => this.setMembers(channel, (m) => [...new Set([...m, user])]);
  private setMembers(channel: string, change: (members: string[]) => string[]): void {
    const c = this.channel(channel);
    c.members = change(c.members ?? []);
    this.emit('change');
  }

  addUsergroup(g: Usergroup): void {
    this.state.usergroups.set(g.id, { ...g, users: [...g.users] });
    this.emit('change');
  }

  get users(): ReadonlyMap<string, User> {
    return this.state.users;
  }

  get channels(): ReadonlyMap<string, Channel> {
    return this.state.channels;
  }

  get usergroups(): ReadonlyMap<string, Usergroup> {
    return this.state.usergroups;
  }

  /** A channel by id, name, `#name` or (for DMs) user id; throws when there is none. */
  channel(ref: string): Channel {
    const c = this.state.findChannel(ref);
    if (!c) throw new Error(`no channel "${ref}" (channels: ${[...this.state.channels.values()].map((x) => x.name).join(', ')})`);
    return c;
  }

  // ---- what Slack would show (live objects: later edits show up in them) ----
  /** A message from a person or an integration (the simulated estate's monitoring), as if posted in Slack. */
  postAs(user: string, channel: string, text: string): Message {
    return this.state.post({ channel: this.channel(channel).id, user, text });
  }

  /** A message as the bot would have posted it (seeding a bench's cards without a Web API round trip). */
  postAsBot(channel: string, text: string): Message {
    return this.state.post({ channel: this.channel(channel).id, user: this.botUserId, bot_id: this.botId, text });
  }

  /**
   * A response_url and a trigger_id as Slack issues them with a slash command, for request generators that
   * sign and send their own payloads (the benches' load generators).
   */
  issueResponseUrl(user: string, channel: string): string {
    return this.tokens.issueResponseUrl(this.baseUrl, { user, channel: this.channel(channel).id });
  }

  issueTrigger(user: string): string {
    return this.tokens.issueTrigger(user);
  }

  messages(channel: string): Message[] {
    return this.state.channelMessages(this.channel(channel).id);
  }

  thread(channel: string, threadTs: string): Message[] {
    return this.state.threadReplies(this.channel(channel).id, threadTs);
  }

  allMessages(): Message[] {
    return [...this.state.messageLog];
  }

  ephemerals(filter: { user?: string; channel?: string } = {}): Ephemeral[] {
    const channelId = filter.channel ? this.channel(filter.channel).id : undefined;
    return this.state.ephemeralLog.filter((e) => (!filter.user || e.user === filter.user) && (!channelId || e.channel === channelId));
  }

  openViews(user?: string): View[] {
    return this.state.views.openFor(user);
  }

  view(id: string): View | undefined {
    return this.state.views.find(id);
  }

  /** Resolves with the probe's first truthy answer, re-checked on every change and every 50 ms. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return waitForChange(this, probe, timeoutMs, () => describeState(this.state, this.calls));
  }

  /** Clears messages, ephemerals, views, files, calls, queued faults and tokens; keeps users and channels. */
  reset(): void {
    this.calls.length = 0;
    this.faults.clear();
    this.tokens.reset();
    this.state.reset();
  }

  /** Messages, files and DM channels, to be kept across a restart (see snapshot.ts for what is left out). */
  snapshot(): WorkspaceSnapshot {
    return takeSnapshot(this.state);
  }

  restore(snap: WorkspaceSnapshot): void {
    restoreSnapshot(this.state, snap);
  }

  failNext(method: string, how: FailSpec): void {
    this.faults.add(method, how);
  }

  /** Slack is back: drops every queued fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  // ---- the driver ----
  slashCommand(o: SlashCommandInput): Promise<BotReply> {
    return slashCommand(this.driver(), o);
  }

  clickButton(o: ClickInput): Promise<BotReply> {
    return clickButton(this.driver(), o);
  }

  submitView(o: { user: string; viewId: string; values?: Record<string, unknown> }): Promise<BotReply> {
    return submitView(this.driver(), o);
  }

  closeView(o: { user: string; viewId: string }): Promise<BotReply> {
    return closeView(this.driver(), o);
  }

  /** A raw signed POST to the bot; override timestamp/signature to forge or replay. */
  /** The App Home tab the bot last published for `user`. */
  home(user: string): Record<string, unknown> | undefined {
    return this.state.homes.get(user);
  }

  /** An Events API callback (e.g. app_home_opened), signed and posted as JSON like Slack does. */
  sendEvent(event: Record<string, unknown>): Promise<BotReply> {
    const now = Date.now() / 1000;
    const body = JSON.stringify({
      token: 'verification-token-unused',
      team_id: this.teamId,
      api_app_id: this.opts.appId ?? 'A0BOOM',
      event: { event_ts: now.toFixed(6), ...event },
      type: 'event_callback',
      event_id: `Ev${Math.floor(now * 1000).toString(36).toUpperCase()}`,
      event_time: Math.floor(now),
    });
    return this.deliver(body);
  }

  /** From now on the bot is a Socket Mode app: apps.connections.open with `appToken` gives a WebSocket here. */
  useSocketMode(o: { appToken: string; pingEveryMs?: number }): SocketModeServer {
    this.socketMode?.close();
    this.socketMode = new SocketModeServer({ appToken: o.appToken, appId: this.opts.appId ?? 'A0BOOM', baseUrl: () => this.baseUrl, pingEveryMs: o.pingEveryMs, onChange: () => this.emit('change') });
    return this.socketMode;
  }

  /** What Slack does with a request for the bot: POST it to the request URL, or send it over the socket. */
  private deliver(body: string, headers?: Record<string, string>): Promise<BotReply> {
    if (this.socketMode) return this.socketMode.deliver(toEnvelope(body, headers), this.opts.botTimeoutMs ?? 3000);
    return this.postSigned(body, { contentType: /^\s*\{/.test(body) ? 'application/json' : undefined, headers });
  }

  postSigned(body: string, o: { contentType?: string; timestamp?: number; signature?: string; headers?: Record<string, string> } = {}): Promise<BotReply> {
    return sendSigned({ url: this.botEndpoint, body, signingSecret: this.opts.signingSecret, timeoutMs: this.opts.botTimeoutMs ?? 3000, pending: this.pending, ...o });
  }

  private context(): ApiContext {
    return {
      state: this.state,
      tokens: this.tokens,
      baseUrl: this.baseUrl,
      botUserId: this.botUserId,
      botId: this.botId,
      teamId: this.teamId,
      teamDomain: this.opts.teamDomain ?? 'boomcard',
      appId: this.opts.appId ?? 'A0BOOM',
      actionIdScope: this.opts.actionIdScope ?? 'surface',
      scopes: this.scopes,
    };
  }

  private driver(): DriverDeps {
    const ctx = this.context();
    return {
      ctx,
      workspace: { teamId: ctx.teamId, teamDomain: ctx.teamDomain, appId: ctx.appId, verificationToken: 'sandbox-verification-token' },
      send: (body, headers) => (this.delivered.push(body), this.deliver(body, headers)),
    };
  }

  /** Every body the driver sent, in order, so a test can deliver one again the way Slack retries. */
  readonly delivered: string[] = [];

  /** The same body again with `X-Slack-Retry-Num`, as Slack re-sends a request whose answer was late. */
  redeliver(body: string, retryNum: number, reason = 'http_timeout'): Promise<BotReply> {
    return this.deliver(body, { 'X-Slack-Retry-Num': String(retryNum), 'X-Slack-Retry-Reason': reason });
  }
}
