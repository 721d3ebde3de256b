/** What the job needs from the hand-over store. */
export interface UnfinishedHandOvers {
  unfinished(top?: number): Promise<string[]>;
  advance(id: string): Promise<{ state: string }>;
}

export interface HandOverJobRun {
  readonly finished: number;
  readonly failed: readonly string[];
}

/**
 * The job the single-runner mechanism calls every few minutes: finishes every hand-over that was
 * accepted but stopped part-way. One failing hand-over does not stop the others; its id is returned
 * for the log (ids only) and it is tried again next run.
 */
export async function runHandOverRecovery(store: UnfinishedHandOvers): Promise<HandOverJobRun> {
  let finished = 0;
  const failed: string[] = [];
  for (const id of await store.unfinished()) {
    try {
      if ((await store.advance(id)).state === 'done') finished++;
    } catch {
      // Reported to the caller by id, and retried on the next run; the saga makes a retry safe.
      failed.push(id);
    }
  }
  return { finished, failed };
}
