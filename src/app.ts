import type { Server } from 'node:http';
import bolt from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { commands } from '../commands/index.js';
import { loadTemplates } from './comms/templates.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Config } from './config.js';
import { IncidentService } from './incidents/service.js';
import { boltLogger } from './observability/bolt-logger.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, incidentsOpenGauge, outcomeGauges, recoveryGauges } from './observability/metrics.js';
import { listMeasures, measureFigures } from './store/recovery-measures.js';
import { outcomeCounts } from './store/metrics.js';
import { loadPolicy, type Policy } from './policy.js';
import { registerErrorHandler } from './slack/error-handler.js';
import { registerComms } from './slack/comms.js';
import { registerChecklist } from './slack/checklist-actions.js';
import { ackUnhandled, UNHANDLED_ACK_MS } from './slack/unhandled.js';
import { InFlight } from './slack/in-flight.js';
import { Checklist } from './incidents/checklist.js';
import { checklistProbe } from './incidents/checklist-probes.js';
import { registerHome } from './slack/home.js';
import { registerInteractions } from './slack/interactions.js';
import { CommandRegistry } from './slack/registry.js';
import { registerCommands } from './slack/router.js';
import { registerInteractionGate, type InteractionDef } from './slack/authorize.js';
import { INTERACTIONS } from './slack/interaction-list.js';
import { healthRoute, metricsRoute } from './slack/routes.js';
import { reminderJob } from './scheduler/reminders.js';
import { slackTransport } from './slack/slack-fetch.js';
import { SlackPacer } from './scheduler/slack-pace.js';
import { incidentJobs } from './incidents/jobs.js';
import { jobRegistry, type RegisteredJob } from './scheduler/jobs.js';
import { Scheduler, type SchedulerOptions } from './scheduler/ticker.js';
import { announceDeadJob } from './scheduler/dead-letter.js';
import { actOnce } from './slack/act-once.js';
import type { Deps } from './slack/context.js';
import { openPglite, openPostgres, type Database } from './store/db.js';
import { Store } from './store/index.js';
import { migrate } from './store/migrate.js';
import { createInfra, type Infra } from './infra/index.js';
import { ActionEngine } from './runbooks/engine.js';
import { builtInRunbooks } from './runbooks/index.js';
import { checkDataNames } from './runbooks/recovery/data-names.js';
import { restoreTestJobs } from './runbooks/recovery/restore-test-jobs.js';
import { actionJobs } from './runbooks/lifecycle.js';
import { runStartupChores } from './startup-chores.js';
import { registerActionButtons } from './slack/interactions-actions.js';
import { ActionStore } from './store/actions.js';
import { createPaging } from './paging/index.js';
import { ProviderEvents } from './paging/provider-events.js';
import { ProviderEventStore } from './store/provider-events.js';
import { alertmanagerRoute, opsgenieRoute, pagerDutyRoute, type WebhookDeps } from './webhooks/routes.js';
import { AlertIntake } from './alerts/service.js';
import { alertJobs } from './alerts/jobs.js';
import { AlertProposalStore } from './store/alert-proposals.js';
import { FollowUpStore } from './store/follow-ups.js';
import { FollowUps } from './followups/service.js';
import { followUpJobs } from './followups/jobs.js';
import { GitHubIssues } from './followups/github.js';
import { StatusPage } from './statuspage/service.js';
import { StatuspageClient } from './statuspage/client.js';
import { statuspageJobs } from './statuspage/jobs.js';
import { StatuspageStore } from './store/statuspage.js';
import { registerAlertInteractions } from './slack/interactions-alerts.js';
import { checkSlackInstall, type IncidentChannel } from './slack/install-check.js';

const { App, HTTPReceiver, LogLevel } = bolt;

export interface BotOptions {
  log?: Logger;
  clock?: Clock;
  policy?: Policy;
  /** Slack API retries: a few quick ones by default; tests of failure paths turn them off. */
  slackRetries?: number;
  /** How long one Slack Web API call may take before it counts as failed (default 15 s). */
  slackTimeoutMs?: number;
  /** Ticker settings (tests use short ticks and leases); `false` runs no ticker in this process. */
  scheduler?: Partial<Pick<SchedulerOptions, 'tickMs' | 'leaseMs' | 'batch' | 'owner'>> | false;
  /** Extra environment for the recovery adapters (the variables the policy names), over process.env. */
  env?: Record<string, string | undefined>;
}

export interface Bot {
  app: InstanceType<typeof App>;
  /**
   * A listener added to `app` from outside (a test, an extension) must say who may use it here too, or
   * the interaction gate refuses its clicks like any undeclared one.
   */
  declareInteraction(def: InteractionDef): void;
  store: Store;
  policy: Policy;
  registry: CommandRegistry;
  log: Logger;
  scheduler?: Scheduler;
  /** The handlers' dependencies, for tools that drive the bot's parts directly (tests, benchmarks). */
  deps: Deps;
  /** The typed job registry (kind → definition), as the ticker runs it. */
  jobs: Record<string, RegisteredJob>;
  /** Guarded recovery actions (runbooks) and the adapters they act through. */
  actions: ActionEngine;
  infra: Infra;
  /** The incident channel as the start-up check found it: its ID is what every post uses. */
  incidentChannel: IncidentChannel;
  /**
   * Starts the ticker and listening (HTTP mode: on `port`, 0 = any free port; or `{ port, host }`) and
   * answers the port it got.
   */
  start(listen?: number | { port: number; host?: string }): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL, { queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS, onError: (err) => log.warn({ err }, 'idle database connection lost') });
  return openPglite(config.DATA_DIR);
}

/** The composition root: the only place that builds and wires things. */
export async function createBot(givenConfig: Config, opts: BotOptions = {}): Promise<Bot> {
  if (givenConfig.mode === 'sandbox') throw new Error('createBot needs Slack credentials; the local workspace starts through src/sandbox');
  const log = opts.log ?? createLogger(givenConfig.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const policy = opts.policy ?? loadPolicy(givenConfig.DR_POLICY);
  // Broken templates stop start-up here, before anything listens.
  const templates = loadTemplates(givenConfig.TEMPLATES_DIR);
  const infra = createInfra({ ...process.env, ...opts.env });
  // A table or function the policy names that the platform database lacks stops start-up here, before anything opens.
  await checkDataNames(policy, infra, log);
  const transport = slackTransport({ apiUrl: givenConfig.SLACK_API_URL, retries: opts.slackRetries ?? 3, timeoutMs: opts.slackTimeoutMs ?? 15_000 });
  const clientOptions = transport.clientOptions;
  // The Slack install is checked before anything listens: the incident channel (a name or an ID, private
  // ones included) becomes its ID, the bot must be in it, the token must carry the scopes. From here on
  // everything uses the ID (a name only works for public channels, and history and uploads take no names).
  const incidentChannel = await checkSlackInstall(new WebClient(givenConfig.SLACK_BOT_TOKEN, { ...clientOptions, logger: boltLogger(log) }), givenConfig.INCIDENT_CHANNEL);
  log.info({ channel: incidentChannel.id, name: incidentChannel.name, kind: incidentChannel.kind }, 'incident channel checked');
  const config: Config = { ...givenConfig, INCIDENT_CHANNEL: incidentChannel.id };
  const db = await openDatabase(config, log);
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'database migrated');
  const store = new Store(db);
  const metrics = createMetrics();
  incidentsOpenGauge(metrics.registry, () => store.incidents.openByLevel());
  outcomeGauges(metrics.registry, () => outcomeCounts(db));
  recoveryGauges(metrics.registry, () => measureFigures(db));
  const registry = new CommandRegistry(commands);

  // The webhooks act through paging, which needs the app's client: it is built below, before anything listens.
  let providerEvents: ProviderEvents | undefined;
  let alertIntake: AlertIntake | undefined;
  const webhookDeps: WebhookDeps = {
    policy,
    secret: (name) => ({ ...process.env, ...opts.env })[name]?.trim() || undefined,
    events: { handle: (e) => providerEvents!.handle(e) },
    alerts: { receive: (g) => alertIntake!.receive(g) },
    clock,
    log: log.child({ component: 'webhooks' }),
    count: (source, outcome) => metrics.webhooks.inc({ source, outcome }),
  };
  const routes = [healthRoute(store), metricsRoute(metrics.registry), pagerDutyRoute(webhookDeps), opsgenieRoute(webhookDeps), alertmanagerRoute(webhookDeps)];
  const app =
    config.mode === 'socket'
      ? // The Socket Mode client opens its connection through its own WebClient: it needs SLACK_API_URL too.
        new App({ token: config.SLACK_BOT_TOKEN, appToken: config.SLACK_APP_TOKEN, socketMode: true, customRoutes: routes, installerOptions: { port: config.PORT, clientOptions: { slackApiUrl: config.SLACK_API_URL } }, clientOptions, logger: boltLogger(log), logLevel: LogLevel.INFO, extendedErrorHandler: true })
      : new App({
          token: config.SLACK_BOT_TOKEN,
          // Our own receiver only so that whatever no listener acks (an old button, a form no one handles, a
          // payload of no known type) is still answered before Slack's 3 s.
          receiver: new HTTPReceiver({
            signingSecret: config.SLACK_SIGNING_SECRET!,
            customRoutes: routes,
            logger: boltLogger(log),
            processBeforeResponse: false,
            unhandledRequestTimeoutMillis: UNHANDLED_ACK_MS,
            unhandledRequestHandler: ackUnhandled(log),
          }),
          clientOptions,
          logger: boltLogger(log),
          logLevel: LogLevel.INFO,
          extendedErrorHandler: true,
        });

  // Every request Slack may deliver again (x-slack-retry-num) acts once: a copy is acked and dropped.
  const door = actOnce({ db, log, takeoverMs: config.REQUEST_TAKEOVER_MS });
  app.use(door);
  // Cards and thread lines go out through a client without automatic retries: a timed-out post may still
  // land, and the job then adopts it (message metadata) instead of posting a second one.
  // A 429 is answered at once (rejectRateLimitedCalls), not waited out inside the client with its whole
  // queue paused: the job is put back until after Retry-After and the other jobs go on.
  const slackOnce = new WebClient(config.SLACK_BOT_TOKEN, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: boltLogger(log) });
  // Turns under Slack's rate limits for the incident channel's posts and card edits (one per process).
  const pacer = new SlackPacer(clock, { enabled: config.SLACK_PACE === 'on' });
  let scheduler: Scheduler | undefined;
  const nudge = () => scheduler?.poke();
  const incidents = new IncidentService({ store, policy, slack: app.client, slackOnce, clock, log, channel: config.INCIDENT_CHANNEL, nudge });
  // The card shows the RPO/RTO the recoveries measured.
  incidents.on({ cardExtras: async (inc) => ({ measures: await listMeasures(db, inc.id) }) });
  const actions = new ActionEngine(
    { store, actions: new ActionStore(db), policy, slack: app.client, clock, log: log.child({ component: 'actions' }), infra, channel: config.INCIDENT_CHANNEL, slackOnce, nudge, waiter: incidents.waiter },
    builtInRunbooks,
  );
  const alertProposals = new AlertProposalStore(db);
  const checklist = new Checklist({ store, policy, slack: app.client, clock, log, incidents, probe: checklistProbe(policy, infra, (id) => alertProposals.forIncident(id)) });
  // Paging reads routing/API keys and provider URL overrides by name from the environment.
  const paging = createPaging({ store, policy, slack: app.client, clock, log: log.child({ component: 'paging' }), incidents, env: { ...process.env, ...opts.env }, nudge, slackOnce });
  incidents.on(paging.service);
  alertIntake = new AlertIntake({ proposals: alertProposals, incidents, oncall: paging.oncall, policy, slack: app.client, slackOnce, channel: config.INCIDENT_CHANNEL, clock, log: log.child({ component: 'alerts' }), nudge });
  providerEvents = new ProviderEvents({ events: new ProviderEventStore(db), paging: paging.service, policy, clock, log: log.child({ component: 'webhooks' }), nudge });
  const inFlight = new InFlight();
  app.use(inFlight.middleware);
  const followUpStore = new FollowUpStore(db);
  const gh = policy.followUps.github;
  const github = gh ? new GitHubIssues({ ...gh, secret: webhookDeps.secret, timeoutMs: gh.timeout }) : undefined;
  const followUps = new FollowUps({ store: followUpStore, db, clock, nudge, github, log: log.child({ component: 'followups' }) });
  incidents.on(followUps);
  const sp = policy.statuspage;
  const statusPage = sp
    ? new StatusPage({ conf: sp, policy, store, pages: new StatuspageStore(db), client: new StatuspageClient({ ...sp, secret: webhookDeps.secret, timeoutMs: sp.timeout }), incidents, db, clock, log: log.child({ component: 'statuspage' }), nudge })
    : undefined;
  if (statusPage) incidents.on(statusPage);
  const deps: Deps = { config, policy, store, clock, log, slack: app.client, incidents, templates, infra, actions, checklist, paging: paging.service, followUps, statusPage };
  // Before every listener: buttons and forms that declare no permission, or none for this person, stop here.
  const interactions: InteractionDef[] = [...INTERACTIONS];
  registerInteractionGate(app, policy, interactions, () => metrics.commands.inc({ command: 'interaction', outcome: 'forbidden' }));
  registerCommands(app, registry, deps, metrics);
  registerInteractions(app, deps);
  registerHome(app, deps);
  registerComms(app, deps);
  registerChecklist(app, checklist);
  registerActionButtons(app, actions);
  paging.register(app);
  registerAlertInteractions(app, alertIntake);
  const jobs = jobRegistry([
    reminderJob({ ...deps, slack: slackOnce, pacer, channel: config.INCIDENT_CHANNEL }),
    ...incidentJobs({ store, incidents, checklist, slackOnce, pacer, clock, afterCard: statusPage && ((id) => statusPage.changed(id)) }),
    ...actionJobs(actions),
    ...paging.jobs,
    ...alertJobs(alertIntake),
    ...followUpJobs({ followUps: followUpStore, store, incidents, github, clock }),
    ...statuspageJobs(statusPage),
    ...restoreTestJobs({ db, policy, infra, clock, log: log.child({ component: 'restore-test' }), slack: app.client, channel: config.INCIDENT_CHANNEL, incidents, nudge }),
  ]);
  scheduler =
    opts.scheduler === false
      ? undefined
      : new Scheduler({ db, clock, log: log.child({ component: 'scheduler' }), tickMs: config.SCHEDULER_TICK_MS, leaseMs: config.SCHEDULER_LEASE_MS, ...opts.scheduler, jobs,
          onClaim: (ms) => metrics.schedulerClaimSeconds.observe(ms / 1000),
          onJobStart: (job, lateMs) => metrics.jobLatenessSeconds.observe({ kind: job.kind }, Math.max(0, lateMs) / 1000),
          onJobDone: (job) => incidents.waiter.finished(job.kind, job.key, job.incidentId),
          onDeadLetter: async (job, dead) => {
            metrics.jobsDeadLettered.inc({ kind: job.kind });
            await announceDeadJob(db, job, dead);
            nudge();
          } });

  registerErrorHandler(app, { metrics, inFlight, log });

  let server: Server | undefined;
  return {
    app,
    declareInteraction: (def) => void interactions.push(def),
    store,
    policy,
    registry,
    log,
    scheduler,
    deps,
    jobs,
    actions,
    infra,
    incidentChannel,
    async start(listen = config.PORT) {
      await runStartupChores({ actions, db, policy, clock, log });
      scheduler?.start();
      if (config.mode === 'socket') {
        await app.start();
        return config.PORT;
      }
      server = (await app.start(listen)) as Server;
      const address = server.address();
      return typeof address === 'object' && address ? address.port : undefined;
    },
    async stop() {
      // New requests first (HTTP server closed / socket disconnected), then what was acked finishes, then the
      // actions in hand, then the ticker hands back its leases; the pool closes last.
      await app.stop().catch((err: unknown) => log.warn({ err }, 'stopping the Slack receiver'));
      server?.closeAllConnections?.();
      if (!(await inFlight.drain(8_000))) log.warn({ inFlight: inFlight.size }, 'stopping with requests still in flight');
      await actions.drain(10_000);
      await scheduler?.stop();
      await door.flush();
      await db.close();
      infra.close();
      await transport.close().catch(() => undefined);
    },
  };
}
