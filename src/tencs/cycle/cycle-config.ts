import { z } from 'zod';
import type { WorkingHours } from './working-time.js';

const hhmm = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutes = (s: string) => {
  const m = hhmm.exec(s)!;
  return Number(m[1]) * 60 + Number(m[2]);
};

/**
 * The case-over-time settings, from the environment, validated once at start-up: a bad value stops
 * the process with a message naming the variable (merge into src/config.ts).
 */
export const CycleEnvSchema = z
  .object({
    /** Days from completion to the suggested review date; about three months, the usual review cycle. */
    REVIEW_DEFAULT_DAYS: z.coerce.number().int().min(7).max(183).default(91),
    /** Days an unfinished assessment may rest untouched before its owner is reminded. */
    REMINDER_STALE_DAYS: z.coerce.number().int().min(1).max(60).default(7),
    REMINDER_TIME_ZONE: z
      .string()
      .min(1)
      .default('Europe/London')
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          // An unknown zone is the answer itself: refuse the value.
          return false;
        }
      }, 'is not a time zone (IANA name expected, e.g. Europe/London)'),
    REMINDER_HOURS_START: z.string().regex(hhmm, 'must be HH:MM').default('09:00'),
    REMINDER_HOURS_END: z.string().regex(hhmm, 'must be HH:MM').default('17:00'),
    /** Days a case is kept after its latest assessment's last activity; see SECURITY.md for why 13 months. */
    CASE_RETENTION_DAYS: z.coerce.number().int().min(190).max(3650).default(396),
    /** Days before deletion that the owner is warned in personal chat. */
    RETENTION_WARNING_DAYS: z.coerce.number().int().min(1).max(60).default(14),
  })
  .superRefine((env, ctx) => {
    if (minutes(env.REMINDER_HOURS_END) <= minutes(env.REMINDER_HOURS_START)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['REMINDER_HOURS_END'], message: 'must be after REMINDER_HOURS_START' });
    }
    if (env.RETENTION_WARNING_DAYS >= env.CASE_RETENTION_DAYS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['RETENTION_WARNING_DAYS'], message: 'must be shorter than CASE_RETENTION_DAYS' });
    }
  });

export interface CycleConfig {
  readonly reviewDefaultDays: number;
  readonly staleDays: number;
  readonly hours: WorkingHours;
  readonly caseRetentionDays: number;
  readonly retentionWarningDays: number;
}

/** Parses the case-over-time settings; throws with every bad variable named. */
export function loadCycleConfig(env: Record<string, string | undefined>): CycleConfig {
  const r = CycleEnvSchema.safeParse(env);
  if (!r.success) throw new Error(`Invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const e = r.data;
  return Object.freeze({
    reviewDefaultDays: e.REVIEW_DEFAULT_DAYS,
    staleDays: e.REMINDER_STALE_DAYS,
    hours: Object.freeze({ timeZone: e.REMINDER_TIME_ZONE, startMinute: minutes(e.REMINDER_HOURS_START), endMinute: minutes(e.REMINDER_HOURS_END) }),
    caseRetentionDays: e.CASE_RETENTION_DAYS,
    retentionWarningDays: e.RETENTION_WARNING_DAYS,
  });
}
