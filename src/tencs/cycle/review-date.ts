import { z } from 'zod';
import { addDays } from './working-time.js';

/** The suggested review date: `days` after the day of completion (YYYY-MM-DD). */
export function defaultReviewDate(completedOn: string, days: number): string {
  return addDays(completedOn, days);
}

/** The review date a practitioner may choose on completing: a real day, after today, within a year. */
export function reviewDateSchema(today: string) {
  return z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Choose a review date.')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T12:00:00Z`)) && new Date(`${d}T12:00:00Z`).toISOString().startsWith(d), 'Choose a review date that exists.')
    .refine((d) => d > today, 'The review date needs to be after today.')
    .refine((d) => d <= addDays(today, 366), 'Choose a review date within the next year.');
}

/** The completed assessment with its review date; the rest is unchanged. */
export function withReviewDate<T extends { reviewOn?: string }>(a: T, reviewOn: string): T {
  return { ...a, reviewOn };
}

/** Data for the review-date input on the completing card: the suggested day and the allowed range. */
export function reviewDateInput(today: string, defaultDays: number): { value: string; min: string; max: string } {
  return { value: defaultReviewDate(today, defaultDays), min: addDays(today, 1), max: addDays(today, 366) };
}
