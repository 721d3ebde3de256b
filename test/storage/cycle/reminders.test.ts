import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { AssessmentRepository, assessmentIdFor } from '../../../src/storage/assessment-repository.js';
import { createFieldCipher } from '../../../src/storage/field-cipher.js';
import { InMemoryReminderStore, TableReminderStore } from '../../../src/storage/reminder-store.js';
import { createTableFactory } from '../../../src/storage/tables.js';
import type { Assessment } from '../../../src/tencs/assessment.js';
import {
  NotYourReminderError,
  reminderBaseKey,
  reminderKey,
  runReminders,
  UNCONFIRMED_CLAIM_MS,
  snoozeReminder,
  type ReminderMessage,
  type ReminderStore,
} from '../../../src/tencs/cycle/reminders.js';
import { UK_WORKING_HOURS } from '../../../src/tencs/cycle/working-time.js';
import type { Owner } from '../../../src/tencs/owner.js';
import { uniquePrefix } from '../../helpers/bot-harness.js';

const cipher = createFieldCipher([{ id: 'k1', key: randomBytes(32) }]);
const WED_10AM = new Date('2026-12-02T10:00:00Z');

/** A world: a store plus a way to add, change and delete assessments behind it, and a second instance on the same data. */
interface World {
  store: ReminderStore;
  second: () => Promise<ReminderStore>;
  put(a: Assessment, handingOver?: boolean): Promise<void>;
  remove(owner: Owner, id: string): Promise<void>;
}

function assessment(o: Owner, patch: Partial<Assessment>): Assessment {
  const at = new Date('2026-11-01T10:00:00Z');
  return {
    id: assessmentIdFor(randomUUID(), at),
    tenantId: o.tenantId,
    ownerId: o.aadObjectId,
    status: 'completed',
    step: 'complete',
    cautionsAcknowledged: true,
    setup: { caseRef: 'CR-REM', ageBand: '14-15', participants: ['young-person'], participantsOther: '', assessedOn: '2026-09-01' },
    answers: {},
    rev: 3,
    stepRevs: {},
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    completedAt: at.toISOString(),
    reviewOn: '2026-12-02',
    ...patch,
  };
}

const worlds: Record<string, () => Promise<World>> = {
  'in memory': async () => {
    const store = new InMemoryReminderStore();
    return {
      store,
      second: async () => store,
      put: async (a, handingOver) =>
        store.put({
          owner: { tenantId: a.tenantId, aadObjectId: a.ownerId },
          id: a.id,
          caseRef: a.setup?.caseRef,
          status: a.status,
          ...(a.reviewOn ? { reviewOn: a.reviewOn } : {}),
          updatedAt: a.updatedAt,
          ...(handingOver ? { handingOver } : {}),
          ...(a.previousId ? { previousId: a.previousId } : {}),
        }),
      remove: async (o, id) => store.remove(o, id),
    };
  },
  Azurite: async () => {
    const prefix = uniquePrefix();
    const make = () =>
      createTableFactory({
        tables: { kind: 'connection-string', connectionString: inject('tablesConnectionString'), allowInsecure: true },
        tablePrefix: prefix,
      });
    const tables = await make();
    const repo = new AssessmentRepository(tables, cipher);
    await tables.table('assessments').createTable();
    return {
      store: new TableReminderStore(tables),
      second: async () => new TableReminderStore(await make()),
      put: async (a, handingOver) => {
        await repo.create(a, handingOver ? 'handover0001|out' : undefined);
      },
      remove: async (o, id) => {
        await repo.delete(o, id);
      },
    };
  },
};

describe.each(Object.keys(worlds))('review and unfinished reminders (%s)', (name) => {
  const world = worlds[name]!;
  const owner = (): Owner => ({ tenantId: randomUUID(), aadObjectId: randomUUID() });
  const sender = () => {
    const sent: ReminderMessage[] = [];
    return { sent, send: async (m: ReminderMessage) => void sent.push(m) };
  };
  const mine = (sent: ReminderMessage[], o: Owner) => sent.filter((m) => m.owner.aadObjectId === o.aadObjectId);

  it('when the review date has come, then one reminder is sent in working hours, never twice, and none outside hours', async () => {
    const w = await world();
    const o = owner();
    const a = assessment(o, {});
    await w.put(a);
    await w.put(assessment(o, { reviewOn: '2026-12-03' }));
    const s = sender();
    const base = { store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7 };
    expect(await runReminders({ ...base, now: new Date('2026-12-02T07:00:00Z') })).toMatchObject({ sent: 0, outsideHours: true });
    await runReminders({ ...base, now: WED_10AM });
    await runReminders({ ...base, now: new Date('2026-12-02T11:00:00Z') });
    expect(mine(s.sent, o).map((m) => [m.assessmentId, m.kind])).toEqual([[a.id, 'review']]);
    expect(mine(s.sent, o)[0]!.text).toBe('The review date for case CR-REM was 2 December 2026. When you are ready, reassess to see what has changed since.');
  });

  it('when an unfinished assessment is untouched for the configured days, then its owner is reminded once', async () => {
    const w = await world();
    const o = owner();
    const old = assessment(o, { status: 'in-progress', step: 'contact', updatedAt: '2026-11-20T10:00:00.000Z', reviewOn: undefined, completedAt: undefined });
    const recent = assessment(o, {
      status: 'in-progress',
      step: 'contact',
      updatedAt: '2026-11-30T10:00:00.000Z',
      reviewOn: undefined,
      completedAt: undefined,
    });
    await w.put(old);
    await w.put(recent);
    const s = sender();
    await runReminders({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM });
    expect(mine(s.sent, o).map((m) => [m.assessmentId, m.kind])).toEqual([[old.id, 'unfinished']]);
    expect(mine(s.sent, o)[0]!.text).toContain('has not been changed since 20 November 2026');
  });

  it('when snoozed to the next working day, then nothing until then, and exactly one more after', async () => {
    const w = await world();
    const o = owner();
    const a = assessment(o, {});
    await w.put(a);
    const s = sender();
    const base = { store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7 };
    await runReminders({ ...base, now: WED_10AM });
    const key = reminderBaseKey({ assessmentId: a.id, kind: 'review', since: '2026-12-02' });
    const until = await snoozeReminder(w.store, o, key, 'next-working-day', WED_10AM, UK_WORKING_HOURS);
    expect(until.toISOString()).toBe('2026-12-03T09:00:00.000Z');
    await runReminders({ ...base, now: new Date('2026-12-02T15:00:00Z') });
    expect(mine(s.sent, o)).toHaveLength(1);
    await runReminders({ ...base, now: new Date('2026-12-03T09:05:00Z') });
    await runReminders({ ...base, now: new Date('2026-12-03T10:05:00Z') });
    expect(mine(s.sent, o).map((m) => m.key)).toEqual([`${key}|0`, `${key}|1`]);
    await expect(snoozeReminder(w.store, owner(), key, 'week', WED_10AM, UK_WORKING_HOURS)).rejects.toThrow(NotYourReminderError);
    await expect(snoozeReminder(w.store, o, 'review|x|y', 'week', WED_10AM, UK_WORKING_HOURS)).rejects.toThrow(NotYourReminderError);
  });

  it('when reminders are turned off, then none is sent until turned on again', async () => {
    const w = await world();
    const o = owner();
    await w.put(assessment(o, {}));
    const s = sender();
    await w.store.setRemindersOff(o, true);
    await runReminders({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM });
    expect(mine(s.sent, o)).toHaveLength(0);
    await w.store.setRemindersOff(o, false);
    await runReminders({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM });
    expect(mine(s.sent, o)).toHaveLength(1);
  });

  it('when the assessment is deleted or handed over after the scan, or is moving, then no reminder is sent', async () => {
    const w = await world();
    const o = owner();
    const deleted = assessment(o, {});
    const moving = assessment(o, {});
    await w.put(deleted);
    await w.put(moving, true);
    const s = sender();
    const between: ReminderStore = Object.create(w.store) as ReminderStore;
    between.candidates = async (today, stale) => {
      const found = await w.store.candidates(today, stale);
      await w.remove(o, deleted.id);
      return found.map((c) => (c.assessmentId === moving.id ? { ...c } : c));
    };
    const run = await runReminders({ store: between, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM });
    expect(mine(s.sent, o)).toHaveLength(0);
    expect(run.skipped).toBeGreaterThanOrEqual(1);
  });

  it('when the practitioner already started the next assessment from it, then no review reminder is sent', async () => {
    const w = await world();
    const o = owner();
    const a = assessment(o, {});
    await w.put(a);
    await w.put(
      assessment(o, {
        status: 'in-progress',
        step: 'contact',
        reviewOn: undefined,
        completedAt: undefined,
        updatedAt: '2026-12-01T10:00:00.000Z',
        previousId: a.id,
      }),
    );
    const s = sender();
    await runReminders({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM });
    expect(mine(s.sent, o)).toHaveLength(0);
  });

  it('when two instances run at the same moment, then one reminder is sent', async () => {
    const w = await world();
    const o = owner();
    await w.put(assessment(o, {}));
    const s = sender();
    const other = await w.second();
    await Promise.all([
      runReminders({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM }),
      runReminders({ store: other, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM }),
      runReminders({ store: other, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM }),
    ]);
    expect(mine(s.sent, o)).toHaveLength(1);
  });

  it('when sending fails, then the mark is taken back and the next run sends it', async () => {
    const w = await world();
    const o = owner();
    await w.put(assessment(o, {}));
    const s = sender();
    const failing = { send: async () => Promise.reject(new Error('connector down')) };
    await expect(runReminders({ store: w.store, sender: failing, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM })).rejects.toThrow(/was not sent/);
    await runReminders({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: WED_10AM });
    expect(mine(s.sent, o)).toHaveLength(1);
  });

  it('when a run dies between its sent mark and the send, then no run sends it while that run could still be sending, and the first after sends it once', async () => {
    const w = await world();
    const o = owner();
    const a = assessment(o, {});
    await w.put(a);
    const key = reminderKey(reminderBaseKey({ assessmentId: a.id, kind: 'review', since: '2026-12-02' }), 0);
    // The dead run's mark, never confirmed (it was killed before sending).
    expect(await w.store.claim(o, key, WED_10AM.toISOString(), new Date(WED_10AM.getTime() - UNCONFIRMED_CLAIM_MS).toISOString())).toBe(true);
    const s = sender();
    const at = (ms: number) => ({ store: w.store, sender: s, hours: UK_WORKING_HOURS, staleDays: 7, now: new Date(WED_10AM.getTime() + ms) });
    await runReminders(at(UNCONFIRMED_CLAIM_MS - 60_000));
    expect(mine(s.sent, o)).toHaveLength(0);
    const other = await w.second();
    await Promise.all([runReminders(at(UNCONFIRMED_CLAIM_MS + 1)), runReminders({ ...at(UNCONFIRMED_CLAIM_MS + 1), store: other })]);
    expect(mine(s.sent, o)).toHaveLength(1);
    // Confirmed: never again, however late.
    await runReminders(at(3 * UNCONFIRMED_CLAIM_MS));
    expect(mine(s.sent, o)).toHaveLength(1);
  });
});
