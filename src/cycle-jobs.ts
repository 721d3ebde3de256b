import { reminderCard } from './cards/cycle-cards.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { Logger } from './log.js';
import type { AdaptiveCardJson } from './cards/render.js';
import type { CycleConfig } from './tencs/cycle/cycle-config.js';
import { runHandOverRecovery, type UnfinishedHandOvers } from './tencs/cycle/hand-over-job.js';
import { runReminders, type ReminderRun, type ReminderStore } from './tencs/cycle/reminders.js';
import type { Owner } from './tencs/owner.js';

/** Job names, as written in the leases table. */
export const REMINDERS_JOB = 'reminders';
export const HAND_OVER_JOB = 'hand-over-recovery';

export interface CycleJobDeps {
  readonly reminders: ReminderStore;
  readonly handOvers: UnfinishedHandOvers;
  /** Sends a card to a practitioner's personal chat; false when tencs has no chat with them on record. */
  readonly personal: { sendCard(to: Owner, card: AdaptiveCardJson): Promise<boolean> };
  readonly config: CycleConfig;
}

/** One reminder run at `now`: in working time, each due reminder once (claim marks), to the owner's personal chat. */
export async function remindOnce(deps: CycleJobDeps, logger: Logger, now: Date): Promise<ReminderRun> {
  let unreachable = 0;
  const result = await runReminders({
    now,
    store: deps.reminders,
    hours: deps.config.hours,
    staleDays: deps.config.staleDays,
    sender: {
      async send(m) {
        // No personal chat on record (tencs never used in personal chat): nothing to send to; counted, ids only.
        if (!(await deps.personal.sendCard(m.owner, reminderCard(m)))) unreachable++;
      },
    },
  });
  if (result.sent > 0 || unreachable > 0) logger.info({ event: 'reminders.sent', sent: result.sent, skipped: result.skipped, unreachable }, 'Reminders');
  return result;
}

/**
 * Registers the case-over-time jobs: reminders (once per period across every instance; each reminder
 * once ever, by its claim mark) and the recovery of hand-overs accepted but stopped part-way.
 */
export function registerCycleJobs(
  runner: JobRunner,
  deps: CycleJobDeps,
  logger: Logger,
  periods: { readonly reminderPeriodMs: number; readonly handOverRecoveryPeriodMs: number },
): void {
  runner.register({
    name: REMINDERS_JOB,
    periodMs: periods.reminderPeriodMs,
    async run(ctx) {
      await remindOnce(deps, logger, ctx.now());
    },
  });
  runner.register({
    name: HAND_OVER_JOB,
    periodMs: periods.handOverRecoveryPeriodMs,
    async run() {
      const r = await runHandOverRecovery(deps.handOvers);
      if (r.finished > 0 || r.failed.length > 0) logger.info({ event: 'hand-over.recovered', finished: r.finished, failed: r.failed }, 'Hand-over recovery');
      if (r.failed.length > 0) throw new Error(`${r.failed.length} hand-overs could not be finished; they are tried again next period`);
    },
  });
}
