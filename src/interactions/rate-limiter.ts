/** How many turns a user may take at once, and how fast that allowance refills. */
export interface RateLimit {
  readonly burst: number;
  readonly perMinute: number;
}

/** One decision: allowed, or limited and whether this is the first refusal since the user was last allowed. */
export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly firstRefusal: boolean };

/** Per-key token buckets, kept in memory for this instance. */
export interface RateLimiter {
  take(key: string): RateDecision;
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
  refusedSinceAllowed: boolean;
}

/** Above this many tracked users, buckets that have refilled completely are forgotten (they hold no state worth keeping). */
const PRUNE_ABOVE = 10_000;

/** Builds a token-bucket limiter; `now` is injectable so tests need no waiting. */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = limit.perMinute / 60_000;

  const refill = (bucket: Bucket, t: number): void => {
    bucket.tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
    bucket.at = t;
  };

  const prune = (t: number): void => {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= limit.burst) buckets.delete(key);
    }
  };

  return {
    get size() {
      return buckets.size;
    },
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= PRUNE_ABOVE) prune(t);
        bucket = { tokens: limit.burst, at: t, refusedSinceAllowed: false };
        buckets.set(key, bucket);
      }
      refill(bucket, t);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.refusedSinceAllowed = false;
        return { allowed: true };
      }
      const firstRefusal = !bucket.refusedSinceAllowed;
      bucket.refusedSinceAllowed = true;
      return { allowed: false, firstRefusal };
    },
  };
}
