import type { Logger } from './log.js';
import type { PrivacyService, PurgeResult } from './tencs/privacy-service.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A running daily purge; stop() clears its timers. */
export interface DailyPurge {
  stop(): void;
}

/** Runs the retention purge once and logs what it removed (counts only). */
export async function runPurge(privacy: Pick<PrivacyService, 'purgeExpired'>, logger: Logger): Promise<PurgeResult> {
  const started = Date.now();
  const result = await privacy.purgeExpired();
  logger.info({ event: 'retention.purged', assessments: result.assessments, auditEntries: result.auditEntries, ms: Date.now() - started }, 'Retention purge finished');
  return result;
}

/**
 * Starts the purge a few minutes after start-up and then once a day. The timers are unref'd so they
 * never keep the process alive; a failed run is logged and the next day's run tries again.
 */
export function startDailyPurge(
  privacy: Pick<PrivacyService, 'purgeExpired'>,
  logger: Logger,
  options: { firstDelayMs?: number; intervalMs?: number } = {},
): DailyPurge {
  const run = () => {
    runPurge(privacy, logger).catch((error: unknown) => {
      logger.error({ event: 'retention.failed', err: error }, 'Retention purge failed; it will run again tomorrow');
    });
  };
  const first = setTimeout(run, options.firstDelayMs ?? 5 * 60 * 1000);
  const daily = setInterval(run, options.intervalMs ?? DAY_MS);
  first.unref();
  daily.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(daily);
    },
  };
}
