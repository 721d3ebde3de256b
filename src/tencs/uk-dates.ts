/** Practitioners in England read dates and times in UK form and UK local time (GMT or BST). */
const UK_ZONE = 'Europe/London';

/** A stored YYYY-MM-DD date as practitioners in England write it, e.g. 26 May 2020; anything else is shown as stored. */
export function ukDate(isoDay: string): string {
  const d = new Date(`${isoDay}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDay : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** A stored ISO timestamp as a UK date and time, e.g. 24 November 2026, 05:02; anything else is shown as stored. */
export function ukDateTime(iso: string): string {
  // Only full timestamps: Date.parse would also accept loose strings that are not times at all.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso)) return iso;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: UK_ZONE });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: UK_ZONE });
  return `${day}, ${time}`;
}
