import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** User + system CPU time a process has used so far, in milliseconds (10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces or parentheses: fields are counted from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS;
}

/** Resident set size now and at its peak (VmRSS, VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** When a bench run started, how long it took, and the machine it ran on. */
export interface RunFacts {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly environment: {
    readonly node: string;
    readonly cores: number;
    readonly cpuModel: string;
    readonly platform: string;
    /** 1-minute load average at the start and end: other work on the machine skews every figure. */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
}

/** The 1-minute load average now. */
export const loadNow = (): number => loadavg()[0] ?? Number.NaN;

/** The facts of a run that started at `started` (ms since epoch) with load average `loadAtStart`, taken as it ends. */
export function runFacts(started: number, loadAtStart: number): RunFacts {
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    environment: {
      node: process.version,
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      platform: `${process.platform} ${process.arch}`,
      loadAverage: { start: loadAtStart, end: loadNow() },
    },
  };
}
