/**
 * Test only: preloaded into a bot process (node --import) so a test can move that process's clock without
 * any switch in the product. The whole process then sees `Date` shifted by the offset (in ms) written in
 * the file TENCS_TEST_CLOCK_FILE names; every process started with the same file shares one moved clock.
 * Timers still run in real time. Each new offset it takes up is logged as {"event":"test.clock"}, so the
 * test knows when a process has seen it.
 */
import { readFileSync } from 'node:fs';

const file = process.env.TENCS_TEST_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  let offset = 0;
  const read = () => {
    let next: number;
    try {
      next = Number((JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs);
    } catch {
      return; // Mid-write or not written yet: keep the last offset.
    }
    if (!Number.isFinite(next) || next === offset) return;
    offset = next;
    process.stdout.write(`${JSON.stringify({ event: 'test.clock', offsetMs: offset, now: new RealDate(RealDate.now() + offset).toISOString() })}\n`);
  };
  const now = () => RealDate.now() + offset;
  // A proxy rather than a subclass, so Date() called without new, instanceof and every static still behave.
  const MovedDate = new Proxy(RealDate, {
    construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget) as object,
    apply: () => new RealDate(now()).toString(),
    get: (target, prop, receiver): unknown => (prop === 'now' ? now : Reflect.get(target, prop, receiver)),
  });
  read();
  globalThis.Date = MovedDate;
  setInterval(read, 20).unref();
}
