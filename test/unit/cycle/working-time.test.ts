import { describe, expect, it } from 'vitest';
import { loadCycleConfig } from '../../../src/tencs/cycle/cycle-config.js';
import { defaultReviewDate, reviewDateInput, reviewDateSchema, withReviewDate } from '../../../src/tencs/cycle/review-date.js';
import { instantOf, isWorkingDay, isWorkingTime, nextWorkingTime, startOfNextWorkingDay, UK_WORKING_HOURS } from '../../../src/tencs/cycle/working-time.js';

describe('working time in England and Wales', () => {
  it('when a day is a weekend or a bank holiday (including substitute days), then it is not a working day', () => {
    expect(isWorkingDay('2026-12-02')).toBe(true);
    expect(isWorkingDay('2026-12-05')).toBe(false);
    expect(isWorkingDay('2026-12-28')).toBe(false);
    expect(isWorkingDay('2027-03-26')).toBe(false);
    expect(isWorkingDay('2028-01-03')).toBe(false);
    expect(isWorkingDay('2028-01-04')).toBe(true);
  });

  it('when the clocks are on BST or GMT, then working hours are UK local time', () => {
    expect(isWorkingTime(new Date('2026-07-01T08:30:00Z'))).toBe(true); // 09:30 BST
    expect(isWorkingTime(new Date('2026-07-01T16:30:00Z'))).toBe(false); // 17:30 BST
    expect(isWorkingTime(new Date('2026-12-02T08:30:00Z'))).toBe(false); // 08:30 GMT
    expect(isWorkingTime(new Date('2026-12-02T16:59:00Z'))).toBe(true);
    expect(instantOf('2026-07-01', 540, 'Europe/London').toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(instantOf('2026-03-30', 540, 'Europe/London').toISOString()).toBe('2026-03-30T08:00:00.000Z');
  });

  it('when it is Christmas Eve evening 2026, then the next working time skips the holidays and the weekend', () => {
    expect(nextWorkingTime(new Date('2026-12-24T18:00:00Z')).toISOString()).toBe('2026-12-29T09:00:00.000Z');
    expect(startOfNextWorkingDay('2026-04-02').toISOString()).toBe('2026-04-07T08:00:00.000Z');
    const at = new Date('2026-12-02T10:00:00Z');
    expect(nextWorkingTime(at, UK_WORKING_HOURS)).toBe(at);
  });
});

describe('review date and configuration', () => {
  it('when completing, then the default review date is the configured days on, and a chosen date is checked', () => {
    expect(defaultReviewDate('2026-12-02', 91)).toBe('2027-03-03');
    const schema = reviewDateSchema('2026-12-02');
    expect(schema.parse('2027-03-03')).toBe('2027-03-03');
    expect(schema.safeParse('2026-12-02').error?.issues[0]?.message).toBe('The review date needs to be after today.');
    expect(schema.safeParse('2027-02-30').error?.issues[0]?.message).toBe('Choose a review date that exists.');
    expect(schema.safeParse('2028-12-02').error?.issues[0]?.message).toBe('Choose a review date within the next year.');
    expect(reviewDateInput('2026-12-02', 91)).toEqual({ value: '2027-03-03', min: '2026-12-03', max: '2027-12-03' });
    const item: { id: string; reviewOn?: string } = { id: 'x' };
    expect(withReviewDate(item, '2027-03-03')).toEqual({ id: 'x', reviewOn: '2027-03-03' });
  });

  it('when the settings are bad, then loading names the variable; good ones give working hours in minutes', () => {
    expect(() => loadCycleConfig({ REMINDER_HOURS_START: '17:00', REMINDER_HOURS_END: '09:00' })).toThrow(
      /REMINDER_HOURS_END must be after REMINDER_HOURS_START/,
    );
    expect(() => loadCycleConfig({ REMINDER_TIME_ZONE: 'Mars/Olympus' })).toThrow(/REMINDER_TIME_ZONE is not a time zone/);
    expect(() => loadCycleConfig({ CASE_RETENTION_DAYS: '90' })).toThrow(/CASE_RETENTION_DAYS/);
    const c = loadCycleConfig({ REMINDER_HOURS_START: '08:30' });
    expect(c).toMatchObject({
      reviewDefaultDays: 91,
      staleDays: 7,
      caseRetentionDays: 396,
      retentionWarningDays: 14,
      hours: { timeZone: 'Europe/London', startMinute: 510, endMinute: 1020 },
    });
  });
});
