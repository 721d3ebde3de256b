import { retryAfterMs } from './retry-after.js';

/**
 * The most a single Bot Connector call may spend waiting between its retries. Teams drops the
 * bot's HTTP response after about 15 seconds and redelivers, so a reply that honours a 30 s
 * Retry-After helps no one; past this cap the call fails at once and the turn errors instead.
 */
export const CONNECTOR_WAIT_CAP_MS = 3000;

/** Retries after the first try, as botbuilder's default pipeline allows. */
export const CONNECTOR_MAX_RETRIES = 3;

/** First backoff for 5xx, 408 and network errors; doubles each retry (same as the SDK default). */
const BASE_DELAY_MS = 1000;

const RETRY_POLICY_NAME = 'tencsCappedRetryPolicy';
const SYSTEM_ERRORS = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOTFOUND']);

// The few shapes of @azure/core-rest-pipeline we touch, spelled out so we need not depend on it directly.
export interface PipelineResponse {
  status: number;
  headers: { get(name: string): string | undefined };
}
interface PipelineRequest {
  abortSignal?: AbortSignal;
}
interface PipelinePolicy {
  name: string;
  sendRequest(request: PipelineRequest, next: (request: PipelineRequest) => Promise<PipelineResponse>): Promise<PipelineResponse>;
}
interface Pipeline {
  addPolicy(policy: PipelinePolicy, options?: { phase?: 'Retry' }): void;
  removePolicy(options: { phase?: 'Retry' }): PipelinePolicy[];
  getOrderedPolicies(): PipelinePolicy[];
}

/** How long a 429/503 asks us to wait, in ms. */
function waitAsked(response: PipelineResponse | undefined): number | undefined {
  if (!response || (response.status !== 429 && response.status !== 503)) return undefined;
  return retryAfterMs((name) => response.headers.get(name));
}

function transient(response: PipelineResponse | undefined, error: unknown): boolean {
  if (response) return (response.status >= 500 || response.status === 408) && response.status !== 501 && response.status !== 505;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SYSTEM_ERRORS.has(code);
}

function isRestError(error: unknown): error is { response?: PipelineResponse } {
  return error instanceof Error && error.name === 'RestError';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * How long to wait before retrying a connector call that answered `response` (or failed with `error`
 * before any answer), or undefined to stop: the botbuilder host's pipeline policy and the Teams SDK
 * host's client middleware both ask this, so both hosts retry and give up alike.
 */
export function nextRetryDelay(
  response: PipelineResponse | undefined,
  error: unknown,
  retry: number,
  waited: number,
  capMs = CONNECTOR_WAIT_CAP_MS,
  maxRetries = CONNECTOR_MAX_RETRIES,
): number | undefined {
  if (retry >= maxRetries) return undefined;
  const asked = waitAsked(response);
  if (asked !== undefined) return waited + asked > capMs ? undefined : asked;
  if (!transient(response, error)) return undefined;
  const backoff = BASE_DELAY_MS * 2 ** retry * (0.8 + Math.random() * 0.4);
  const delay = Math.min(backoff, capMs - waited);
  return delay > 0 ? delay : undefined;
}

/** Waits ms unless the signal aborts first (then rejects with its reason). */
export { sleep as sleepUnlessAborted };

/**
 * The SDK's retry (throttling, then exponential backoff) with all waiting in one call bounded by
 * capMs: a Retry-After that does not fit is not shortened (that would only be throttled again) but
 * ends the retries, returning the 429 so the caller fails fast.
 */
export function cappedRetryPolicy(capMs = CONNECTOR_WAIT_CAP_MS, maxRetries = CONNECTOR_MAX_RETRIES): PipelinePolicy {
  return {
    name: RETRY_POLICY_NAME,
    async sendRequest(request, next) {
      let waited = 0;
      for (let retry = 0; ; retry++) {
        let outcome: { ok: true; response: PipelineResponse } | { ok: false; error: unknown; response: PipelineResponse | undefined };
        try {
          outcome = { ok: true, response: await next(request) };
        } catch (e) {
          // Only HTTP-level failures are retried; anything else (aborts, bugs) goes straight up.
          if (!isRestError(e) && !transient(undefined, e)) throw e;
          outcome = { ok: false, error: e, response: isRestError(e) ? e.response : undefined };
        }
        const { response } = outcome;
        const error = outcome.ok ? undefined : outcome.error;
        const done = (): PipelineResponse => {
          if (!outcome.ok) throw outcome.error;
          return outcome.response;
        };
        const delay = nextRetryDelay(response, error, retry, waited, capMs, maxRetries);
        if (delay === undefined) return done();
        await sleep(delay, request.abortSignal);
        waited += delay;
      }
    },
  };
}

/**
 * Swaps the connector client's default retry policy (which waits out any Retry-After, however long)
 * for the capped one. The pipeline is not public API, so a botbuilder that no longer has it fails
 * here loudly rather than silently keeping unbounded waits.
 */
export function capConnectorRetries<T extends object>(client: T, capMs = CONNECTOR_WAIT_CAP_MS): T {
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function' || typeof pipeline.addPolicy !== 'function') {
    throw new Error('botframework-connector ConnectorClient has no pipeline to cap retries on');
  }
  const removed = pipeline.removePolicy({ phase: 'Retry' });
  if (!removed.some((p) => p.name === 'defaultRetryPolicy' || p.name === RETRY_POLICY_NAME)) {
    throw new Error('botframework-connector ConnectorClient pipeline has no default retry policy to replace');
  }
  pipeline.addPolicy(cappedRetryPolicy(capMs), { phase: 'Retry' });
  return client;
}
