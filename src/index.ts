import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';
import { buildDependencies } from './compose.js';
import { createServer, listen } from './server.js';
import { hostname } from 'node:os';
import { JobRunner } from './jobs/job-runner.js';
import { registerRetentionJobs } from './retention.js';
import { registerCycleJobs } from './cycle-jobs.js';
import { TableLeaseStore } from './storage/lease-store.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await buildDependencies(config, logger);
  const server = createServer({ bot: deps.bot, storageHealthy: deps.storageHealthy, logger, maxBodyBytes: config.maxBodyBytes });
  const running = await listen(server, config.host, config.port);
  logger.info(
    { event: 'server.listening', url: running.url, auth: config.auth.enabled ? 'on' : 'off', host: config.botHost },
    `tencs listening on ${running.url}/api/messages`,
  );
  // Scheduled jobs: every instance ticks, only the holder of a period's lease (in Table Storage) runs it.
  // Retention: assessments unchanged for RETENTION_DAYS are deleted once a period (also: npm run purge).
  const leases = new TableLeaseStore(deps.tables);
  const jobs = new JobRunner({ store: leases, holder: `${hostname()}:${process.pid}`, logger, leaseMs: config.jobs.leaseMs });
  registerRetentionJobs(jobs, deps.privacy, logger, {
    purgePeriodMs: config.jobs.purgePeriodMs,
    followUpPeriodMs: config.jobs.followUpPeriodMs,
    afterPurge: async (now) => {
      // A done period must outlive its period, or it could be run again.
      await leases.prune(now.getTime() - Math.max(7 * 24 * 60 * 60 * 1000, 2 * config.jobs.purgePeriodMs));
    },
  });
  // The case over time: review and unfinished reminders, and hand-overs accepted but stopped part-way.
  registerCycleJobs(jobs, { reminders: deps.reminders, handOvers: deps.handOvers, personal: deps.personal, config: config.cycle }, logger, config.jobs);
  jobs.start(config.jobs.tickMs);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void jobs.stop();
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
