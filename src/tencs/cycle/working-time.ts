/** Bank holidays in England and Wales (GOV.UK), including substitute days; extend this table each year. */
export const ENGLAND_WALES_BANK_HOLIDAYS: ReadonlySet<string> = new Set([
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
  '2028-01-03',
  '2028-04-14',
  '2028-04-17',
  '2028-05-01',
  '2028-05-29',
  '2028-08-28',
  '2028-12-25',
  '2028-12-26',
]);

/** The last day the bank-holiday table covers; after it, only weekends are known not to be working days. */
export const BANK_HOLIDAYS_KNOWN_UNTIL = '2028-12-31';

/** When reminders may arrive: local working hours in a time zone, Monday to Friday, not on bank holidays. */
export interface WorkingHours {
  readonly timeZone: string;
  /** Minutes after local midnight, e.g. 540 for 09:00. */
  readonly startMinute: number;
  /** Minutes after local midnight, exclusive, e.g. 1020 for 17:00. */
  readonly endMinute: number;
}

export const UK_WORKING_HOURS: WorkingHours = { timeZone: 'Europe/London', startMinute: 9 * 60, endMinute: 17 * 60 };

interface Local {
  readonly day: string;
  readonly weekday: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local day (YYYY-MM-DD), weekday (0 Sunday) and minute of the day at `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): Local {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(String(parts.weekday));
  return { day: `${parts.year!}-${parts.month!}-${parts.day!}`, weekday, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** True on Monday to Friday when the day is not a bank holiday in England and Wales. */
export function isWorkingDay(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5 && !ENGLAND_WALES_BANK_HOLIDAYS.has(day);
}

/** True when `at` falls inside working hours on a working day, in the configured zone. */
export function isWorkingTime(at: Date, hours: WorkingHours = UK_WORKING_HOURS): boolean {
  const l = localTime(at, hours.timeZone);
  return isWorkingDay(l.day) && l.minute >= hours.startMinute && l.minute < hours.endMinute;
}

/** The day after `day` (YYYY-MM-DD), by the calendar. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The instant of `minute` past local midnight on `day` in `timeZone` (handles GMT and BST). */
export function instantOf(day: string, minute: number, timeZone: string): Date {
  const guess = Date.parse(`${day}T00:00:00Z`) + minute * 60_000;
  let at = guess;
  // Two passes settle the offset even on the days the clocks change.
  for (let i = 0; i < 2; i++) {
    const l = localTime(new Date(at), timeZone);
    const shownAsUtc = Date.parse(`${l.day}T00:00:00Z`) + l.minute * 60_000;
    at += guess - shownAsUtc;
  }
  return new Date(at);
}

/** The start of working hours on the first working day after `day`. */
export function startOfNextWorkingDay(day: string, hours: WorkingHours = UK_WORKING_HOURS): Date {
  let d = addDays(day, 1);
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return instantOf(d, hours.startMinute, hours.timeZone);
}

/** `at` itself when it is working time, otherwise the next start of working hours. */
export function nextWorkingTime(at: Date, hours: WorkingHours = UK_WORKING_HOURS): Date {
  if (isWorkingTime(at, hours)) return at;
  const l = localTime(at, hours.timeZone);
  if (isWorkingDay(l.day) && l.minute < hours.startMinute) return instantOf(l.day, hours.startMinute, hours.timeZone);
  return startOfNextWorkingDay(l.day, hours);
}
