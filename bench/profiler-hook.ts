/**
 * Preloaded into each bot process under test: SIGUSR2 starts the V8 CPU profiler, the next SIGUSR2
 * stops it and writes BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile (the format `node --cpu-prof` writes).
 * Unlike --cpu-prof it covers one concurrency step only, not start-up, and costs nothing until asked.
 * The bench profiles last, so the full collection it runs afterwards disturbs no measurement.
 */
import { Session } from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  let n = 0;
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!running) {
        running = true;
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: 500 });
        await post('Profiler.start');
        return;
      }
      running = false;
      const { profile } = await post<{ profile: unknown }>('Profiler.stop');
      n += 1;
      const file = path.join(dir, `${process.pid}-${n}.cpuprofile`);
      // Memory beside the profile: the RSS and heap as the step left them, then the live heap after a
      // full collection (the bots run with --expose-gc for this; nothing else calls it).
      const before = process.memoryUsage();
      const collect = (globalThis as { gc?: () => void }).gc;
      collect?.();
      writeFileSync(
        `${file}.memory.json`,
        JSON.stringify({ ...before, liveHeapAfterGc: collect ? process.memoryUsage().heapUsed : null, heap: getHeapStatistics() }),
      );
      writeFileSync(`${file}.tmp`, JSON.stringify(profile));
      renameSync(`${file}.tmp`, file);
    })().catch((error: unknown) => {
      process.stderr.write(`profiler hook failed: ${String(error)}\n`);
    });
  });
}
