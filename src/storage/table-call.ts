import type { TableClient } from '@azure/data-tables';
import { StorageUnavailableError, statusOf } from './errors.js';

/** Returned by a `named` mapping to mean "not there": the caller turns it into undefined or false. */
export class Absent extends Error {
  override readonly name = 'Absent';
}

/**
 * One table's calls with the house rules: the table is created on first use (409 ignored), every
 * call has a deadline, named statuses become typed errors, and transient failures (timeouts,
 * throttling, 5xx) become StorageUnavailableError so the user can be told to try again.
 */
export class TableCall {
  private ready: Promise<void> | undefined;

  constructor(
    readonly client: TableClient,
    private readonly timeoutMs = 5000,
  ) {}

  /** An abort signal for one storage call. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }

  /** Runs `fn` after the table exists, mapping errors as described above. */
  async run<T>(operation: string, fn: () => Promise<T>, named: Record<number, () => Error> = {}): Promise<T> {
    try {
      await this.ensureTable();
      return await fn();
    } catch (error) {
      const status = statusOf(error);
      const mapped = status === undefined ? undefined : named[status];
      if (mapped) throw Object.assign(mapped(), { cause: error });
      if (status === undefined || status === 408 || status === 429 || status >= 500) {
        throw new StorageUnavailableError(`Table Storage ${operation} failed`, status, { cause: error });
      }
      throw error;
    }
  }

  /** Runs `fn`; a 404 gives undefined instead of an error. */
  async orUndefined<T>(operation: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.run(operation, fn, { 404: () => new Absent() });
    } catch (error) {
      if (error instanceof Absent) return undefined;
      throw error;
    }
  }

  private async ensureTable(): Promise<void> {
    this.ready ??= this.client.createTable({ abortSignal: this.deadline() }).then(
      () => undefined,
      (error: unknown) => {
        // 409: the table already exists, which is all we wanted.
        if (statusOf(error) === 409) return;
        this.ready = undefined;
        throw error;
      },
    );
    await this.ready;
  }
}
