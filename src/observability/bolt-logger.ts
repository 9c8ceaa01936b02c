import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from './logger.js';

/** Bolt logs through our pino logger, so its lines are redacted and structured like ours. */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    // Bolt and the Web API client log every request at debug: format only what will be written.
    debug: (...a) => child.isLevelEnabled('debug') && child.debug(text(a)),
    info: (...a) => child.isLevelEnabled('info') && child.info(text(a)),
    warn: (...a) => child.isLevelEnabled('warn') && child.warn(text(a)),
    error: (...a) => child.isLevelEnabled('error') && child.error(text(a)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
