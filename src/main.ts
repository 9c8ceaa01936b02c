import { ConfigError, loadConfig } from './config.js';
import { createBot } from './app.js';
import { createLogger } from './observability/logger.js';
import { PolicyError } from './policy.js';
import { TemplateError } from './comms/templates.js';
import { SlackSetupError } from './slack/install-check.js';

/** Process entry: config → bot → listen; SIGTERM/SIGINT stop it gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  if (config.mode === 'sandbox') {
    const { startLocalWorkspace } = await import('./sandbox/local-workspace.js');
    const ws = await startLocalWorkspace(config, log);
    onStop(log, () => ws.stop());
    return;
  }
  const bot = await createBot(config, { log });
  const port = await bot.start();
  log.info({ mode: config.mode, port }, config.mode === 'http' ? `listening on :${port} (POST /slack/events)` : 'connected over Socket Mode');
  onStop(log, () => bot.stop());
}

function onStop(log: ReturnType<typeof createLogger>, stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      // A stop that hangs must not keep a replica from being replaced.
      setTimeout(() => process.exit(1), 10_000).unref();
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'unclean stop');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof PolicyError || err instanceof TemplateError || err instanceof SlackSetupError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`dr-bot failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
