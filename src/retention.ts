import type { JobRunner } from './jobs/job-runner.js';
import type { Logger } from './log.js';
import type { PrivacyService, PurgeResult } from './tencs/privacy-service.js';

/** Job names, as written in the leases table. */
export const RETENTION_JOB = 'retention-purge';
export const FOLLOW_UP_JOB = 'deletion-follow-up';

/** Runs the retention purge once and logs what it removed (counts only). */
export async function runPurge(privacy: Pick<PrivacyService, 'purgeExpired'>, logger: Logger, signal?: AbortSignal): Promise<PurgeResult> {
  const started = Date.now();
  const result = await privacy.purgeExpired(signal);
  logger.info(
    {
      event: 'retention.purged',
      assessments: result.assessments,
      auditEntries: result.auditEntries,
      handOvers: result.handOvers ?? 0,
      personalChats: result.personalChats ?? 0,
      ms: Date.now() - started,
    },
    'Retention purge finished',
  );
  return result;
}

export interface RetentionJobOptions {
  /** One purge per this period across all instances (a day in production). */
  readonly purgePeriodMs: number;
  /** How often unfinished deletions and queued channel-card replacements are taken up (a minute). */
  readonly followUpPeriodMs: number;
  /** Called after the purge, e.g. to prune old lease rows. */
  readonly afterPurge?: (now: Date, signal: AbortSignal) => Promise<void>;
}

/**
 * Registers the scheduled jobs of retention and deletion with the runner: the purge (once per period
 * across every instance, resumable), and the follow-up that finishes deletions cut short and replaces
 * channel cards Teams did not take at the time.
 */
export function registerRetentionJobs(
  runner: JobRunner,
  privacy: Pick<PrivacyService, 'purgeExpired' | 'finishPendingDeletions' | 'replaceQueuedCards'>,
  logger: Logger,
  options: RetentionJobOptions,
): void {
  runner.register({
    name: RETENTION_JOB,
    periodMs: options.purgePeriodMs,
    async run(ctx) {
      await runPurge(privacy, logger, ctx.signal);
      await options.afterPurge?.(ctx.now(), ctx.signal);
    },
  });
  runner.register({
    name: FOLLOW_UP_JOB,
    periodMs: options.followUpPeriodMs,
    async run(ctx) {
      const finished = await privacy.finishPendingDeletions(ctx.signal);
      const cards = await privacy.replaceQueuedCards(ctx.signal);
      if (finished > 0 || cards.replaced > 0 || cards.deferred > 0) {
        logger.info({ event: 'deletion.follow-up', finished, cardsReplaced: cards.replaced, cardsDeferred: cards.deferred }, 'Deletion follow-up');
      }
    },
  });
}
