import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientOptions, ILogger } from '@microsoft/teams.common';
import type { Logger } from '../../log.js';
import { CONNECTOR_WAIT_CAP_MS, nextRetryDelay, sleepUnlessAborted, type PipelineResponse } from '../connector-retry-cap.js';

/** The abort signal of the connector operation in progress (the domain's retry loop gives one per try). */
export const connectorSignal = new AsyncLocalStorage<AbortSignal>();

/** What an axios failure carries that we read. */
interface AxiosFailure {
  readonly name?: string;
  readonly code?: string;
  readonly response?: { readonly status: number; readonly headers?: Record<string, unknown> };
}

function asResponse(error: AxiosFailure): PipelineResponse | undefined {
  const r = error.response;
  if (!r) return undefined;
  return {
    status: r.status,
    headers: {
      get: (name: string) => {
        const value = r.headers?.[name.toLowerCase()];
        return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
      },
    },
  };
}

/**
 * Options for the Teams SDK's HTTP client (the SDK builds it), with the botbuilder host's connector behaviour: every call carries the
 * signal of the operation in progress, and throttling (429 with Retry-After) and transient failures are
 * retried exactly as the botbuilder host's capped pipeline policy retries them (nextRetryDelay decides
 * for both), never waiting more than CONNECTOR_WAIT_CAP_MS in one call. The SDK itself does not retry.
 */
export function createConnectorClient(logger: ILogger, capMs = CONNECTOR_WAIT_CAP_MS): ClientOptions {
  return {
    logger,
    middlewares: [
      {
        async invoke(context, next) {
          const signal = connectorSignal.getStore();
          if (signal) context.config.signal = signal;
          let waited = 0;
          for (let retry = 0; ; retry++) {
            try {
              return await next();
            } catch (error) {
              const e = error as AxiosFailure;
              if (e.code === 'ERR_CANCELED' || signal?.aborted) throw error;
              const delay = nextRetryDelay(asResponse(e), e.response ? undefined : error, retry, waited, capMs);
              if (delay === undefined) throw error;
              await sleepUnlessAborted(delay, signal);
              waited += delay;
            }
          }
        },
      },
    ],
  };
}

/**
 * The SDK's logger over ours. The SDK may log request configs, tokens or activity bodies with its
 * messages, so nothing it passes is written: only the level, the SDK's logger name and an event name.
 * Its debug and info chatter is dropped.
 */
export function sdkLogger(logger: Logger, name = 'teams-sdk'): ILogger {
  const child = logger.child({ component: name });
  return {
    debug: () => undefined,
    info: () => undefined,
    trace: () => undefined,
    log: () => undefined,
    warn: () => child.warn({ event: 'teams-sdk.warn' }, 'The Teams SDK logged a warning (details withheld)'),
    error: () => child.error({ event: 'teams-sdk.error' }, 'The Teams SDK logged an error (details withheld)'),
    child: (n: string) => sdkLogger(logger, `${name}/${n.slice(0, 64)}`),
  };
}
