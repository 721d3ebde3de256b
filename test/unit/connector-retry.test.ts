import { describe, expect, it } from 'vitest';
import { ConnectorError, ConnectorFailure, withConnectorRetry, type Clock, type RetryPolicy } from '../../src/tencs/connector-retry.js';

/** A clock that moves only when the code under test sleeps, recording each wait. */
function manualClock(): Clock & { waits: number[] } {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  };
}

const POLICY: RetryPolicy = { attempts: 3, budgetMs: 9000, baseDelayMs: 500, maxDelayMs: 4000 };
const err = (status: number | undefined, retryAfterMs?: number, aborted = false) => new ConnectorError('x', status, retryAfterMs, aborted);

/** An operation that fails with the given errors in turn, then succeeds; counts its calls. */
function scripted(...failures: ConnectorError[]) {
  let calls = 0;
  const op = async () => {
    const f = failures[calls++];
    if (f) throw f;
    return 'ok';
  };
  return { op, calls: () => calls };
}

async function failureOf(p: Promise<unknown>): Promise<ConnectorFailure> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ConnectorFailure) return error;
    throw error;
  }
  throw new Error('expected a ConnectorFailure');
}

describe('withConnectorRetry', () => {
  it('when the connector says 429 with Retry-After, then it waits exactly that long and tries again', async () => {
    const clock = manualClock();
    const s = scripted(err(429, 2000));
    await expect(withConnectorRetry(s.op, POLICY, clock)).resolves.toBe('ok');
    expect(clock.waits).toEqual([2000]);
    expect(s.calls()).toBe(2);
  });

  it('when 429 comes without Retry-After, then it backs off exponentially', async () => {
    const clock = manualClock();
    const s = scripted(err(429), err(429));
    await expect(withConnectorRetry(s.op, POLICY, clock)).resolves.toBe('ok');
    expect(clock.waits).toEqual([500, 1000]);
  });

  it('when 429 keeps coming, then it stops after the bounded attempts as throttled', async () => {
    const clock = manualClock();
    const s = scripted(err(429, 100), err(429, 100), err(429, 7000), err(429));
    const f = await failureOf(withConnectorRetry(s.op, POLICY, clock));
    expect(f.kind).toBe('throttled');
    expect(f.retryAfterMs).toBe(7000);
    expect(s.calls()).toBe(3);
  });

  it('when Retry-After is longer than the time left, then it gives up at once rather than outliving the turn', async () => {
    const clock = manualClock();
    const s = scripted(err(429, 60_000));
    const f = await failureOf(withConnectorRetry(s.op, POLICY, clock));
    expect(f.kind).toBe('throttled');
    expect(clock.waits).toEqual([]);
    expect(s.calls()).toBe(1);
  });

  it.each([403, 404])('when the connector says %i, then it is "gone" without a retry', async (status) => {
    const clock = manualClock();
    const s = scripted(err(status));
    expect((await failureOf(withConnectorRetry(s.op, POLICY, clock))).kind).toBe('gone');
    expect(s.calls()).toBe(1);
  });

  it('when the connector says 400, then it fails without a retry', async () => {
    const s = scripted(err(400));
    expect((await failureOf(withConnectorRetry(s.op, POLICY, manualClock()))).kind).toBe('failed');
    expect(s.calls()).toBe(1);
  });

  it('when a server error passes, then the retry succeeds', async () => {
    const clock = manualClock();
    const s = scripted(err(503), err(undefined));
    await expect(withConnectorRetry(s.op, POLICY, clock)).resolves.toBe('ok');
    expect(clock.waits).toEqual([500, 1000]);
  });

  it('when a call is aborted by the deadline, then it is a timeout', async () => {
    const s = scripted(err(undefined, undefined, true));
    expect((await failureOf(withConnectorRetry(s.op, POLICY, manualClock()))).kind).toBe('timeout');
  });

  it('when the operation throws something that is not a connector error, then it is rethrown unchanged', async () => {
    const boom = new TypeError('bug');
    await expect(withConnectorRetry(async () => Promise.reject(boom), POLICY, manualClock())).rejects.toBe(boom);
  });

  it('when each try runs, then it gets an abort signal for the time left', async () => {
    const clock = manualClock();
    const signals: AbortSignal[] = [];
    await withConnectorRetry(
      async (signal) => {
        signals.push(signal);
        return 1;
      },
      POLICY,
      clock,
    );
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });
});
