import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { loadConfig } from '../../src/config.js';
import { periodOf } from '../../src/jobs/job-runner.js';
import { AssessmentRepository, assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { createFieldCipher } from '../../src/storage/field-cipher.js';
import { createTableFactory } from '../../src/storage/tables.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import { UNCONFIRMED_CLAIM_MS } from '../../src/tencs/cycle/reminders.js';
import { addDays, instantOf, isWorkingDay, localTime } from '../../src/tencs/cycle/working-time.js';
import { freePort } from '../helpers/azurite.js';
import { cardText, execute, message, newUser, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { botEnv, spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { actionOf, executeActions } from '../helpers/card-driver.js';
import { startConnector, type LoopbackConnector } from '../helpers/connector.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { post } from '../helpers/practitioner.js';

type Card = Record<string, unknown>;
const DAY = 86_400_000;
const PERIOD_MS = 1000;
const STALE_DAYS = 7;
const LONDON = 'Europe/London';
const at = (day: string, hh: number, mm = 0) => instantOf(day, hh * 60 + mm, LONDON);
const MOVED_CLOCK = path.resolve(import.meta.dirname, '../helpers/moved-clock.ts');

/** The first Saturday at least ten days ahead whose week (Tuesday to the Tuesday after) has no bank holiday. */
function aSaturday(): string {
  let day = localTime(new Date(Date.now() + 10 * DAY), LONDON).day;
  for (;;) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 6 && [-4, -3, -2, 2, 3].every((n) => isWorkingDay(addDays(day, n)))) return day;
    day = addDays(day, 1);
  }
}

interface Log {
  event?: string;
  job?: string;
  period?: string;
  offsetMs?: number;
}
const logsOf = (b: BotProcess): Log[] =>
  b.output.flatMap((l) => {
    try {
      return [JSON.parse(l) as Log];
    } catch {
      return [];
    }
  });

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('review and unfinished reminders with two real bot processes and a moved clock', () => {
  const saturday = aSaturday();
  const tuesday = addDays(saturday, -4);
  const wednesday = addDays(saturday, -3);
  const thursday = addDays(saturday, -2);
  const monday = addDays(saturday, 2);
  const nextTuesday = addDays(saturday, 3);

  let connector: LoopbackConnector;
  let env: Record<string, string>;
  let repo: AssessmentRepository;
  let clockDir: string;
  let offsetMs = 0;
  /** Every process started, dead or alive: all their logs count. */
  const everyProcess: BotProcess[] = [];
  /** The processes serving now, each through its own proxy (a kill is placed on the process that makes the write). */
  let live: { bot: BotProcess; proxy: FaultProxy }[] = [];

  const spawn = async () => {
    const proxy = await startFaultProxy(inject('azuritePort'));
    const bot = await spawnBot({ ...env, TABLES_CONNECTION_STRING: proxy.connectionString }, await freePort(), 60_000, [MOVED_CLOCK]);
    everyProcess.push(bot);
    return { bot, proxy };
  };

  /** Moves both processes' clock to `to` and waits until each has taken it up. */
  const moveClock = async (to: Date): Promise<void> => {
    offsetMs = to.getTime() - Date.now();
    writeFileSync(path.join(clockDir, 'clock.json'), JSON.stringify({ offsetMs }));
    await waitFor('every process to take up the moved clock', () =>
      live.every(({ bot }) => logsOf(bot).some((l) => l.event === 'test.clock' && l.offsetMs === offsetMs)),
    );
  };
  const movedNow = () => new Date(Date.now() + offsetMs);

  /** Waits until `n` reminder periods starting at or after `from` (moved time) were completed, by whichever process. */
  const periodsDone = async (from: Date, n: number) => {
    const first = periodOf(from.getTime(), PERIOD_MS);
    await waitFor(`${n} reminder periods from ${from.toISOString()}`, () => {
      const done = new Set(
        everyProcess.flatMap((b) =>
          logsOf(b)
            .filter((l) => l.event === 'job.completed' && l.job === 'reminders' && l.period! >= first)
            .map((l) => l.period),
        ),
      );
      return done.size >= n;
    });
  };

  /** The client: each activity goes to one of the live processes, in turn. */
  let turn = 0;
  const client: Pick<TestBot, 'send' | 'connector'> = {
    get connector() {
      return connector;
    },
    async send(activity): Promise<TurnResult> {
      const { bot } = live[turn++ % live.length]!;
      const t = await post(bot.url, connector, activity);
      return { status: t.status ?? 0, body: t.body ?? t.error, sent: t.sent };
    },
  };
  const cardFrom = async (activity: Record<string, unknown>): Promise<Card> => {
    const r = await client.send(activity);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as { type?: string; value?: Card } | undefined;
    if (body?.type === 'application/vnd.microsoft.card.adaptive' && body.value) return body.value;
    const att = [...r.sent].reverse().flatMap((a) => (a.attachments as { content: Card }[] | undefined) ?? [])[0];
    if (!att) throw new Error(`No card in ${JSON.stringify(r).slice(0, 400)}`);
    return att.content;
  };

  /** Reminder cards that reached this practitioner's personal chat (the loopback connector records every post). */
  const remindersTo = (u: TestUser): Card[] =>
    connector.calls
      .filter((c) => c.method === 'POST' && c.conversationId === u.conversationId)
      .flatMap((c) => (c.body.attachments as { content: Card }[] | undefined) ?? [])
      .map((a) => a.content)
      .filter((card) => executeActions(card).some((a) => a.verb === VERBS.reminderSnooze));

  /** A practitioner who has used tencs in personal chat (so it can write to them), with one assessment stored. */
  async function practitioner(name: string, caseRef: string, shape: Partial<Assessment>): Promise<{ user: TestUser; assessment: Assessment }> {
    const user = newUser(name);
    expect((await client.send(message(client, user, 'help'))).status).toBe(200);
    const created = new Date(at(tuesday, 9).getTime() - 30 * DAY).toISOString();
    const assessment: Assessment = {
      id: assessmentIdFor(randomUUID(), new Date(created)),
      tenantId: user.tenantId,
      ownerId: user.aadObjectId,
      status: 'completed',
      step: 'complete',
      cautionsAcknowledged: true,
      setup: { caseRef, ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: created.slice(0, 10) },
      answers: {},
      rev: 3,
      stepRevs: {},
      createdAt: created,
      updatedAt: created,
      completedAt: created,
      reviewOn: wednesday,
      ...shape,
    };
    await repo.create(assessment);
    return { user, assessment };
  }

  beforeAll(async () => {
    connector = await startConnector();
    clockDir = mkdtempSync(path.join(tmpdir(), 'tencs-clock-'));
    offsetMs = at(tuesday, 10).getTime() - Date.now();
    writeFileSync(path.join(clockDir, 'clock.json'), JSON.stringify({ offsetMs }));
    env = botEnv(inject('tablesConnectionString'), {
      TENCS_TEST_CLOCK_FILE: path.join(clockDir, 'clock.json'),
      JOB_TICK_MS: '200',
      JOB_LEASE_MS: '1500',
      REMINDER_PERIOD_MS: String(PERIOD_MS),
      REMINDER_STALE_DAYS: String(STALE_DAYS),
      HAND_OVER_RECOVERY_PERIOD_MS: '86400000',
      FOLLOW_UP_PERIOD_MS: '86400000',
      PURGE_PERIOD_MS: '2592000000',
    });
    const config = loadConfig({ ...env, PORT: '0' });
    repo = new AssessmentRepository(await createTableFactory(config), createFieldCipher(config.encryptionKeys));
    live = await Promise.all([spawn(), spawn()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(everyProcess.map((b) => b.kill('SIGKILL')));
    await Promise.all(live.map(({ proxy }) => proxy.close()));
    await connector?.close();
    if (clockDir) rmSync(clockDir, { recursive: true, force: true });
  });

  it(
    'then each due reminder arrives once however many processes run, snoozed waits for its time, and none comes when turned off, deleted, handed over, out of hours or at the weekend',
    { timeout: 300_000 },
    async () => {
      // Tuesday 10:00, the day before the review date of most of them.
      const due = await practitioner('Due', 'CR-9101', {});
      const snoozer = await practitioner('Snoozer', 'CR-9102', {});
      const off = await practitioner('Off', 'CR-9103', {});
      const deleted = await practitioner('Deleted', 'CR-9104', {});
      const handed = await practitioner('Handed', 'CR-9105', {});
      const weekend = await practitioner('Weekend', 'CR-9106', { reviewOn: saturday });
      // Unfinished, last changed STALE_DAYS before Wednesday 09:30: stale from then on, not before.
      const changed = new Date(at(wednesday, 9, 30).getTime() - STALE_DAYS * DAY).toISOString();
      const stale = await practitioner('Stale', 'CR-9107', {
        status: 'in-progress',
        step: 'contact',
        reviewOn: undefined,
        completedAt: undefined,
        createdAt: changed,
        updatedAt: changed,
      });
      const colleague = newUser('Colleague');
      expect((await client.send(message(client, colleague, 'help'))).status).toBe(200);

      // Before the due time: one turns reminders off, one deletes the assessment, one hands the case over.
      expect(cardText(await cardFrom(message(client, off.user, 'reminders off')))).toContain('Reminders are off');
      const confirm = await cardFrom(execute(client, deleted.user, VERBS.privacyDeleteAsk, { assessmentId: deleted.assessment.id }));
      await cardFrom(execute(client, deleted.user, VERBS.privacyDeleteConfirm, actionOf(confirm, VERBS.privacyDeleteConfirm).data));
      expect(await repo.get({ tenantId: deleted.user.tenantId, aadObjectId: deleted.user.aadObjectId }, deleted.assessment.id)).toBeUndefined();
      const choose = await cardFrom(message(client, handed.user, 'hand over CR-9105'));
      await cardFrom(execute(client, handed.user, VERBS.handOverOffer, { ...actionOf(choose, VERBS.handOverOffer).data, colleague: colleague.aadObjectId }));
      const offerCard = connector.calls
        .filter((c) => c.method === 'POST' && c.conversationId === colleague.conversationId)
        .flatMap((c) => (c.body.attachments as { content: Card }[] | undefined) ?? [])
        .map((a) => a.content)
        .find((card) => executeActions(card).some((a) => a.verb === VERBS.handOverAccept))!;
      expect(cardText(await cardFrom(execute(client, colleague, VERBS.handOverAccept, actionOf(offerCard, VERBS.handOverAccept).data)))).toContain(
        'The case is yours now',
      );

      const everyone = [due, snoozer, off, deleted, handed, weekend, stale].map((p) => p.user).concat(colleague);
      const counts = () => Object.fromEntries(everyone.map((u) => [u.name, remindersTo(u).length]));
      const none = Object.fromEntries(everyone.map((u) => [u.name, 0]));

      // The day before, in working hours: nothing is due yet.
      await periodsDone(movedNow(), 3);
      expect(counts()).toEqual(none);

      // On the day, before working hours: still nothing.
      await moveClock(at(wednesday, 8));
      await periodsDone(at(wednesday, 8), 3);
      expect(counts()).toEqual(none);

      // On the day, in working hours: one each for the due, the snoozer, the colleague who owns the handed case, and the stale one.
      await moveClock(at(wednesday, 10));
      const expected = { ...none, Due: 1, Snoozer: 1, Colleague: 1, Stale: 1 };
      await waitFor('the due reminders', () => ['Due', 'Snoozer', 'Colleague', 'Stale'].every((n) => counts()[n] === 1));
      // Many more periods, each run by one of the two processes: still one each.
      await periodsDone(movedNow(), 5);
      expect(counts()).toEqual(expected);
      expect(cardText(remindersTo(due.user)[0])).toContain('The review date for case CR-9101 was');
      expect(cardText(remindersTo(colleague)[0])).toContain('CR-9105');
      expect(cardText(remindersTo(stale.user)[0])).toContain('has not been changed since');
      expect(executeActions(remindersTo(stale.user)[0]).find((a) => a.verb === VERBS.open)?.title).toBe('Resume');

      // Snoozed to the next working day: nothing more today; on Thursday in working hours, once more.
      const snoozed = await cardFrom(
        execute(client, snoozer.user, VERBS.reminderSnooze, actionOf(remindersTo(snoozer.user)[0], VERBS.reminderSnooze, 'Snooze to next working day').data),
      );
      expect(cardText(snoozed)).toContain('Reminder snoozed');
      await moveClock(at(wednesday, 15));
      await periodsDone(at(wednesday, 15), 4);
      expect(counts()).toEqual(expected);
      await moveClock(at(thursday, 9, 30));
      await waitFor('the snoozed reminder to come back', () => counts().Snoozer === 2);
      await periodsDone(movedNow(), 4);
      expect(counts()).toEqual({ ...expected, Snoozer: 2 });

      // Due on a Saturday: nothing at the weekend, nor on Monday before working hours; on Monday in working hours, once.
      await moveClock(at(saturday, 11));
      await periodsDone(at(saturday, 11), 4);
      expect(counts().Weekend).toBe(0);
      await moveClock(at(monday, 8, 30));
      await periodsDone(at(monday, 8, 30), 3);
      expect(counts().Weekend).toBe(0);
      await moveClock(at(monday, 10));
      await waitFor('the weekend reminder on Monday', () => counts().Weekend === 1);
      await periodsDone(movedNow(), 4);
      expect(counts()).toEqual({ ...expected, Snoozer: 2, Weekend: 1 });
      expect(cardText(remindersTo(weekend.user)[0])).toContain('CR-9106');

      // Every period was run by one process only (the lease), and both processes took turns.
      const starts = live.flatMap(({ bot }) =>
        logsOf(bot)
          .filter((l) => l.event === 'job.started' && l.job === 'reminders')
          .map((l) => ({ period: l.period, by: bot.port })),
      );
      const byPeriod = new Map<string, number>();
      for (const x of starts) byPeriod.set(x.period!, (byPeriod.get(x.period!) ?? 0) + 1);
      expect([...byPeriod.entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect(new Set(starts.map((x) => x.by)).size).toBe(2);
    },
  );

  for (const when of ['before', 'after'] as const) {
    it(
      `when the process running the reminders is killed (SIGKILL) ${when === 'before' ? 'as it marks a reminder as sent' : 'right after it marked a reminder as sent, before sending it'}, then the other process sends it, once`,
      { timeout: 180_000 },
      async () => {
        const day = when === 'before' ? monday : nextTuesday;
        const { user, assessment } = await practitioner(`Killed-${when}`, when === 'before' ? 'CR-9201' : 'CR-9202', { reviewOn: day });
        const marker = `sent|review|${assessment.id}|`;
        let victim: BotProcess | undefined;
        for (const { bot, proxy } of live) {
          proxy.observe((r, _i, body) => {
            if (victim || r.method !== 'POST' || !/reminders(\?|$)/.test(r.path) || !body.includes(marker)) return undefined;
            victim = bot;
            const hook = async () => {
              await bot.kill('SIGKILL');
            };
            return when === 'before' ? { kind: 'before', hook } : { kind: 'after-commit', then: 'reset', hook };
          });
        }
        await moveClock(when === 'before' ? at(monday, 13) : at(nextTuesday, 10));
        await waitFor(
          'the process holding the reminder run to be killed',
          () => victim !== undefined && (victim.child.exitCode !== null || victim.child.signalCode !== null),
        );
        for (const { proxy } of live) proxy.observe(undefined);
        const dead = live.find(({ bot }) => bot === victim)!;
        live = live.filter(({ bot }) => bot !== victim);
        expect(live).toHaveLength(1);
        await dead.proxy.close();
        const killedAt = movedNow();
        if (when === 'after') {
          // The dead run's mark stands while that run could still be sending: nothing yet, not a second copy either.
          await periodsDone(killedAt, 3);
          expect(remindersTo(user)).toHaveLength(0);
          // Once the mark is older than any send could take, the next run of the other process sends it.
          await moveClock(new Date(movedNow().getTime() + UNCONFIRMED_CLAIM_MS + 60_000));
        }
        const from = movedNow();
        await waitFor('the reminder from the other process', () => remindersTo(user).length >= 1, 30_000).catch(() => undefined);
        await periodsDone(from, 4);
        expect(remindersTo(user), `killed ${when} the claim`).toHaveLength(1);
        expect(cardText(remindersTo(user)[0])).toContain(when === 'before' ? 'CR-9201' : 'CR-9202');
        // Two processes again for what follows: a new one takes the dead one's place.
        live = [...live, await spawn()];
        await moveClock(movedNow());
      },
    );
  }
});
