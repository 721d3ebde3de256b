/** What a call to the Bot Connector failed with, as the bot layer reports it. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    message: string,
    /** HTTP status, or undefined for network failures and timeouts. */
    readonly status: number | undefined,
    /** How long the connector asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs: number | undefined,
    readonly aborted: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Why a connector call finally failed, in the terms the practitioner is told about. */
export type ConnectorFailureKind = 'throttled' | 'gone' | 'timeout' | 'failed';

/** Thrown by withConnectorRetry when it stops trying. */
export class ConnectorFailure extends Error {
  override readonly name = 'ConnectorFailure';
  constructor(
    readonly kind: ConnectorFailureKind,
    readonly status: number | undefined,
    /** For "throttled": how long the connector last asked us to wait. */
    readonly retryAfterMs: number | undefined,
    options?: ErrorOptions,
  ) {
    super(`Bot Connector call failed: ${kind}${status ? ` (${status})` : ''}`, options);
  }
}

/** Bounds for retrying one connector operation inside a turn. */
export interface RetryPolicy {
  /** Tries in all, including the first. */
  readonly attempts: number;
  /** The whole operation, waits included, ends by then; Teams gives an invoke about 15 seconds. */
  readonly budgetMs: number;
  /** First backoff when the connector gives no Retry-After; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The default: three tries within nine seconds. */
export const CONNECTOR_RETRY: RetryPolicy = { attempts: 3, budgetMs: 9000, baseDelayMs: 500, maxDelayMs: 4000 };

/** Time as the retry loop sees it, so tests can run it without real waiting if they want to. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const TRANSIENT = new Set([429, 500, 502, 503, 504]);

/**
 * Runs one connector operation with bounded retries: throttling (429) waits for the connector's
 * Retry-After, or backs off exponentially when it gives none; transient server errors back off the
 * same way; 403 and 404 mean the bot is no longer in that conversation and are never retried. Each
 * try gets an abort signal for the time left, so nothing (including the SDK's own waits) outlives
 * the budget.
 */
export async function withConnectorRetry<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  policy: RetryPolicy = CONNECTOR_RETRY,
  clock: Clock = REAL_CLOCK,
): Promise<T> {
  const deadline = clock.now() + policy.budgetMs;
  for (let attempt = 1; ; attempt++) {
    const left = deadline - clock.now();
    if (left <= 0) throw new ConnectorFailure('timeout', undefined, undefined);
    try {
      return await operation(AbortSignal.timeout(left));
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      if (error.aborted) throw new ConnectorFailure('timeout', error.status, undefined, { cause: error });
      const status = error.status;
      if (status === 403 || status === 404) throw new ConnectorFailure('gone', status, undefined, { cause: error });
      if (status !== undefined && !TRANSIENT.has(status)) throw new ConnectorFailure('failed', status, undefined, { cause: error });
      const kind: ConnectorFailureKind = status === 429 ? 'throttled' : 'failed';
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const wait = error.retryAfterMs ?? backoff;
      if (attempt >= policy.attempts || clock.now() + wait >= deadline) {
        throw new ConnectorFailure(kind, status, error.retryAfterMs, { cause: error });
      }
      await clock.sleep(wait);
    }
  }
}
