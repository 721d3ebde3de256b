import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';
import { buildDependencies } from './compose.js';
import { createServer, listen } from './server.js';
import { startDailyPurge } from './retention.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await buildDependencies(config, logger);
  const server = createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger, maxBodyBytes: config.maxBodyBytes });
  const running = await listen(server, config.host, config.port);
  logger.info({ event: 'server.listening', url: running.url, auth: config.auth.enabled ? 'on' : 'off', host: config.botHost }, `tencs listening on ${running.url}/api/messages`);
  // Retention: assessments unchanged for RETENTION_DAYS are deleted daily (also: npm run purge).
  const purge = startDailyPurge(deps.privacy, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    purge.stop();
    logger.info({ event: 'server.stopping', signal }, 'Stopping: no new requests, finishing turns in flight');
    const force = setTimeout(() => {
      logger.error({ event: 'server.stop-timeout', graceMs: config.shutdownGraceMs }, 'Turns still in flight after the shutdown grace; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    void running.close().then(() => {
      logger.info({ event: 'server.stopped' }, 'Stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`tencs failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
