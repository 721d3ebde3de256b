import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/bot/retry-after.js';

const headers = (h: Record<string, string>) => (name: string) => h[name];
const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('retryAfterMs', () => {
  it('when Retry-After is in seconds, then it is that many milliseconds', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7' }), NOW)).toBe(7000);
  });

  it('when Retry-After is an HTTP date, then it is the time until then, never negative', () => {
    expect(retryAfterMs(headers({ 'retry-after': 'Mon, 02 Mar 2026 10:00:30 GMT' }), NOW)).toBe(30_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Mon, 02 Mar 2026 09:59:00 GMT' }), NOW)).toBe(0);
  });

  it('when the millisecond headers are there, then they win over Retry-After', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), NOW)).toBe(250);
    expect(retryAfterMs(headers({ 'x-ms-retry-after-ms': '400', 'retry-after': '9' }), NOW)).toBe(400);
  });

  it('when there is no header or it cannot be read, then there is no wait', () => {
    expect(retryAfterMs(headers({}), NOW)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterMs(() => null, NOW)).toBeUndefined();
  });
});
