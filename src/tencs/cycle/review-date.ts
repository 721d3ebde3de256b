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
