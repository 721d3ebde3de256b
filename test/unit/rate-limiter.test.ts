import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/interactions/rate-limiter.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('per-user token bucket', () => {
  it('when a user uses up the burst, then the next turn is refused and only the first refusal asks for a notice', () => {
    const c = clock();
    const limiter = createRateLimiter({ burst: 3, perMinute: 6 }, c.now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, firstRefusal: true });
    expect(limiter.take('a')).toEqual({ allowed: false, firstRefusal: false });
  });

  it('when one user is refused, then another user is unaffected', () => {
    const c = clock();
    const limiter = createRateLimiter({ burst: 2, perMinute: 1 }, c.now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('when time passes, then the allowance refills at the configured rate and never above the burst', () => {
    const c = clock();
    const limiter = createRateLimiter({ burst: 2, perMinute: 6 }, c.now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    c.advance(9_999);
    expect(limiter.take('a').allowed).toBe(false);
    c.advance(1);
    expect(limiter.take('a')).toEqual({ allowed: true });
    c.advance(60 * 60_000);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, false]);
  });

  it('when a refused user is allowed again, then a later refusal asks for a notice again', () => {
    const c = clock();
    const limiter = createRateLimiter({ burst: 1, perMinute: 60 }, c.now);
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ allowed: false, firstRefusal: true });
    c.advance(1000);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a')).toEqual({ allowed: false, firstRefusal: true });
  });

  it('when very many users have come and gone, then refilled buckets are forgotten', () => {
    const c = clock();
    const limiter = createRateLimiter({ burst: 1, perMinute: 60 }, c.now);
    for (let i = 0; i < 10_000; i++) limiter.take(`user-${i}`);
    expect(limiter.size).toBe(10_000);
    c.advance(2000);
    limiter.take('newcomer');
    expect(limiter.size).toBe(1);
  });
});
