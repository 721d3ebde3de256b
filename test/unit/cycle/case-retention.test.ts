import { describe, expect, it } from 'vitest';
import { caseRetention, keepCase } from '../../../src/tencs/cycle/case-retention.js';
import { loadCycleConfig } from '../../../src/tencs/cycle/cycle-config.js';

const { caseRetentionDays: retentionDays, retentionWarningDays: warningDays } = loadCycleConfig({});
const at = (iso: string) => new Date(iso);
const first = { createdAt: '2026-01-10T10:00:00.000Z', updatedAt: '2026-01-12T10:00:00.000Z' };
const review = { createdAt: '2026-07-01T10:00:00.000Z', updatedAt: '2026-07-03T10:00:00.000Z' };

describe('case retention', () => {
  it('when reviews are six months apart, then the earlier assessment is still there at the next review to compare with', () => {
    // The last review on 3 July 2026, the next one late: a full year later.
    const d = caseRetention({ assessments: [first, review], now: at('2027-07-03T10:00:00Z'), retentionDays, warningDays });
    expect(d).toEqual({ action: 'keep', deleteAfter: '2027-08-03T10:00:00.000Z' });
  });

  it('counts from the latest activity on any assessment of the case, not each assessment its own', () => {
    const d = caseRetention({ assessments: [first], now: at('2027-02-20T10:00:00Z'), retentionDays, warningDays });
    expect(d).toEqual({ action: 'warn', deleteAfter: '2027-02-12T10:00:00.000Z', warningKey: 'retention|2027-02-12' });
    const withReview = caseRetention({ assessments: [first, review], now: at('2027-02-20T10:00:00Z'), retentionDays, warningDays });
    expect(withReview.action).toBe('keep');
  });

  it('when two weeks are left, then the owner is warned; deletion waits until the warning has stood for two weeks', () => {
    const base = { assessments: [review], retentionDays, warningDays };
    const warn = caseRetention({ ...base, now: at('2027-07-21T10:00:00Z') });
    expect(warn).toEqual({ action: 'warn', deleteAfter: '2027-08-03T10:00:00.000Z', warningKey: 'retention|2027-08-03' });
    expect(caseRetention({ ...base, now: at('2027-07-22T10:00:00Z'), warnedAt: '2027-07-21T10:00:00.000Z' }).action).toBe('keep');
    expect(caseRetention({ ...base, now: at('2027-08-04T10:00:00Z'), warnedAt: '2027-07-21T10:00:00.000Z' }).action).toBe('delete');
    // Never warned (the job was down): warn first, even after the date; delete two weeks after that.
    expect(caseRetention({ ...base, now: at('2027-09-01T10:00:00Z') }).action).toBe('warn');
    expect(caseRetention({ ...base, now: at('2027-09-10T10:00:00Z'), warnedAt: '2027-09-01T10:00:00.000Z' }).action).toBe('keep');
    expect(caseRetention({ ...base, now: at('2027-09-15T10:00:00Z'), warnedAt: '2027-09-01T10:00:00.000Z' }).action).toBe('delete');
  });

  it('when the owner keeps the case, then nothing is deleted for another period, and the old warning no longer counts', () => {
    const keptUntil = keepCase(at('2027-07-22T10:00:00Z'), retentionDays);
    expect(keptUntil).toBe('2028-08-21T10:00:00.000Z');
    const base = { assessments: [review], retentionDays, warningDays, keptUntil, warnedAt: '2027-07-21T10:00:00.000Z' };
    expect(caseRetention({ ...base, now: at('2027-08-04T10:00:00Z') })).toEqual({ action: 'keep', deleteAfter: keptUntil });
    expect(caseRetention({ ...base, now: at('2028-08-10T10:00:00Z') }).action).toBe('warn');
  });
});
