import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { buildDependencies, type Dependencies } from '../../src/compose.js';
import { registerCycleJobs } from '../../src/cycle-jobs.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createLogger } from '../../src/log.js';
import { TableLeaseStore } from '../../src/storage/lease-store.js';
import { instantOf, nextWorkingTime } from '../../src/tencs/cycle/working-time.js';
import { cardOf, cardText, message, newUser, startTestBot, type TestBot, type TestUser } from '../helpers/bot-harness.js';
import { executeActions, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';

type Card = Record<string, unknown>;
const DAY = 86_400_000;
const PERIOD = 15 * 60_000;

describe('review and unfinished reminders: injectable clock, two instances running the job', () => {
  let clock = new Date();
  let bot: TestBot;
  let second: Dependencies;
  let runners: JobRunner[];

  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000' }, { now: () => clock });
    // A second instance over the same tables, as a second bot process would be.
    second = await buildDependencies(bot.deps.config, createLogger('silent'), { now: () => clock });
    runners = [bot.deps, second].map((deps, i) => {
      const runner = new JobRunner({
        store: new TableLeaseStore(deps.tables),
        holder: `instance-${i}`,
        logger: createLogger('silent'),
        now: () => clock.getTime(),
      });
      registerCycleJobs(runner, { reminders: deps.reminders, handOvers: deps.handOvers, personal: deps.personal, config: deps.config.cycle }, deps.logger, {
        reminderPeriodMs: PERIOD,
        handOverRecoveryPeriodMs: 3_600_000,
      });
      return runner;
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  /** Both instances tick at once, as two processes would at the same moment. */
  const tickBoth = () => Promise.all(runners.map((r) => r.tick()));
  /** Reminder cards sent so far to this user's personal chat. */
  const remindersTo = (u: TestUser): Card[] =>
    bot.connector.calls
      .filter((c) => c.method === 'POST' && c.conversationId === u.conversationId)
      .flatMap((c) => (c.body.attachments as { content: Card }[] | undefined) ?? [])
      .map((a) => a.content)
      .filter((card) => executeActions(card).some((a) => a.verb === VERBS.reminderSnooze));
  const workingMorning = (day: string) => nextWorkingTime(instantOf(day, 10 * 60, 'Europe/London'));

  it(
    'when the review date comes, then one reminder arrives however many instances run; snoozed, it waits; then it comes once more',
    { timeout: 120_000 },
    async () => {
      clock = new Date();
      const user = newUser();
      await bot.send(message(bot, user, 'help'));
      const done = await completeAssessment(bot, user, 'CR-7201', (f, s) => `${f} ${s}`);
      const reviewOn = (await bot.deps.assessmentRepository.get({ tenantId: user.tenantId, aadObjectId: user.aadObjectId }, done.id))!.assessment.reviewOn!;
      expect(reviewOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      // The day before: nothing.
      clock = new Date(workingMorning(reviewOn).getTime() - 2 * DAY);
      await tickBoth();
      expect(remindersTo(user)).toHaveLength(0);

      // On the day, in working hours: exactly one, from two instances, over two periods.
      clock = workingMorning(reviewOn);
      await tickBoth();
      clock = new Date(clock.getTime() + PERIOD + 1000);
      await tickBoth();
      const sent = remindersTo(user);
      expect(sent).toHaveLength(1);
      expect(cardText(sent[0])).toContain('The review date for case CR-7201 was');
      expect(executeActions(sent[0]).map((a) => a.title)).toEqual(expect.arrayContaining(['Reassess', 'Snooze for a week', 'Turn off reminders']));

      // Snoozed for a week: nothing the next periods; after the week, once more.
      const snoozed = cardOf(await press(bot, user, sent[0], VERBS.reminderSnooze, {}, 'Snooze for a week'));
      expect(cardText(snoozed)).toContain('Reminder snoozed');
      clock = new Date(clock.getTime() + PERIOD + 1000);
      await tickBoth();
      clock = new Date(clock.getTime() + 2 * DAY);
      await tickBoth();
      expect(remindersTo(user)).toHaveLength(1);
      clock = workingMorning(new Date(clock.getTime() + 7 * DAY).toISOString().slice(0, 10));
      await tickBoth();
      clock = new Date(clock.getTime() + PERIOD + 1000);
      await tickBoth();
      expect(remindersTo(user)).toHaveLength(2);

      // Someone else snoozing this reminder (client-controlled key) is refused.
      const other = newUser('Other');
      expect(cardText(cardOf(await press(bot, other, sent[0], VERBS.reminderSnooze, {}, 'Snooze for a week')))).toContain('no longer current');
    },
  );

  // The job runner's clock only moves forward (a period already done is not run again), so each test starts later.
  it('when reminders are turned off, or the assessment is deleted or handed over before the run, then nothing is sent', { timeout: 120_000 }, async () => {
    clock = new Date(Date.now() + 30 * DAY);
    const off = newUser('Off');
    const deleted = newUser('Deleted');
    const handed = newUser('Handed');
    const colleague = newUser('Colleague');
    for (const u of [off, deleted, handed, colleague]) await bot.send(message(bot, u, 'help'));
    const a = await completeAssessment(bot, off, 'CR-7202', (f, s) => `${f} ${s}`);
    const b = await completeAssessment(bot, deleted, 'CR-7203', (f, s) => `${f} ${s}`);
    const c = await completeAssessment(bot, handed, 'CR-7204', (f, s) => `${f} ${s}`);
    const owner = (u: TestUser) => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });
    const reviewOn = (await bot.deps.assessmentRepository.get(owner(off), a.id))!.assessment.reviewOn!;

    expect(JSON.stringify((await bot.send(message(bot, off, 'reminders off'))).sent)).toContain('Reminders are off');
    await bot.deps.assessmentRepository.delete(owner(deleted), b.id);
    await bot.deps.handOvers.offer('handover-reminder-test', owner(handed), owner(colleague), [c.id]);
    await bot.deps.handOvers.accept('handover-reminder-test', owner(colleague));

    clock = workingMorning(reviewOn);
    await tickBoth();
    for (const u of [off, deleted, handed]) expect(remindersTo(u), u.name).toHaveLength(0);
    // The review date moved with the case: the colleague who owns it now is the one reminded.
    const copy = await bot.deps.assessmentRepository.get(owner(colleague), c.id);
    expect(copy?.assessment.reviewOn).toBe(reviewOn);
    expect(remindersTo(colleague).map(cardText).join('\n')).toContain('CR-7204');

    // Outside working hours nothing is sent even when due; turned back on, the reminder comes in working hours.
    expect(JSON.stringify((await bot.send(message(bot, off, 'reminders on'))).sent)).toContain('Reminders are on');
    clock = instantOf(workingMorning(reviewOn).toISOString().slice(0, 10), 20 * 60, 'Europe/London');
    await tickBoth();
    expect(remindersTo(off)).toHaveLength(0);
    clock = workingMorning(new Date(clock.getTime() + DAY).toISOString().slice(0, 10));
    await tickBoth();
    expect(remindersTo(off)).toHaveLength(1);
  });

  it('when an assessment is left unfinished for REMINDER_STALE_DAYS, then its owner is reminded once, with Resume', { timeout: 60_000 }, async () => {
    clock = new Date(Date.now() + 200 * DAY);
    const user = newUser('Unfinished');
    await bot.send(message(bot, user, 'start'));
    clock = workingMorning(new Date(Date.now() + 209 * DAY).toISOString().slice(0, 10));
    await tickBoth();
    clock = new Date(clock.getTime() + PERIOD + 1000);
    await tickBoth();
    const sent = remindersTo(user);
    expect(sent).toHaveLength(1);
    expect(cardText(sent[0])).toContain('has not been changed since');
    expect(executeActions(sent[0]).find((x) => x.verb === VERBS.open)?.title).toBe('Resume');
  });
});
