/**
 * How long a throttled Bot Connector answer asks us to wait, in milliseconds: `retry-after-ms` or
 * `x-ms-retry-after-ms` first (the headers the SDK's own throttling strategy reads), then `Retry-After`
 * in seconds or as an HTTP date. `header` reads one response header by its lower-case name.
 */
export function retryAfterMs(header: (name: string) => string | null | undefined, now: number = Date.now()): number | undefined {
  const ms = Number(header('retry-after-ms') ?? header('x-ms-retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms)) return Math.max(0, ms);
  const raw = header('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
