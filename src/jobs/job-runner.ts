/**
 * Scheduled work that runs once per period across every instance. Each instance ticks; on a tick it
 * asks the lease store for the current period's lease of each job. Only the holder runs the work,
 * renewing the lease while it runs; a period marked done is never run again, and a holder that dies
 * stops renewing, so its lease expires and the next tick on any instance takes the period over.
 * The work itself must be resumable (idempotent steps), since a run cut short is finished by another.
 */

/** What the lease store answers when asked for a period's lease. */
export type LeaseAttempt =
  | { readonly kind: 'acquired'; readonly lease: Lease }
  /** Another holder's lease is still in date. */
  | { readonly kind: 'held' }
  /** The period's work was completed already. */
  | { readonly kind: 'done' };

/** A held lease; the token is whatever the store needs to prove the holder still holds it (an ETag). */
export interface Lease {
  readonly job: string;
  readonly period: string;
  readonly holder: string;
  readonly token: string;
  /** How many holders have started this period before this one (0 for the first). */
  readonly previousAttempts: number;
}

/** The port: implemented in src/storage/lease-store.ts over Table Storage. */
export interface LeaseStore {
  acquire(job: string, period: string, holder: string, ttlMs: number, nowMs: number): Promise<LeaseAttempt>;
  /** Extends the lease; undefined when it was lost (expired and taken by another holder). */
  renew(lease: Lease, ttlMs: number, nowMs: number): Promise<Lease | undefined>;
  /** Marks the period done; false when the lease had been lost meanwhile. */
  complete(lease: Lease, nowMs: number): Promise<boolean>;
  /** Gives the lease up after a failed run so any instance may retry at its next tick. */
  release(lease: Lease): Promise<void>;
}

/** What a job's run is given. */
export interface JobContext {
  readonly period: string;
  /** Aborted when the lease is lost: stop between steps (what was done stays done). */
  readonly signal: AbortSignal;
  /** True when an earlier holder started this period and did not finish it. */
  readonly resumed: boolean;
  /** The runner's clock. */
  now(): Date;
}

export interface JobDefinition {
  /** Letters, digits and dashes; the lease row's partition. */
  readonly name: string;
  /** One run per this many milliseconds, periods aligned to the Unix epoch (a day: midnight UTC). */
  readonly periodMs: number;
  /** Wait this long into a period before running (spreads jobs out, lets a new deployment settle). */
  readonly offsetMs?: number;
  run(ctx: JobContext): Promise<void>;
}

/** What the runner reports (ids and counts only). */
export interface JobLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface JobRunnerOptions {
  readonly store: LeaseStore;
  /** This instance, as written in the lease (host and pid; no secrets). */
  readonly holder: string;
  readonly logger: JobLogger;
  /** How long a lease lasts without renewal; renewed every third of this while the job runs. */
  readonly leaseMs?: number;
  readonly now?: () => number;
}

const JOB_NAME = /^[a-z][a-z0-9-]{0,40}$/;

/** The period a time falls in, as a sortable key. */
export function periodOf(nowMs: number, periodMs: number): string {
  return String(Math.floor(nowMs / periodMs)).padStart(12, '0');
}

export class JobRunner {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly running = new Set<string>();
  private readonly leaseMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly controllers = new Set<AbortController>();

  constructor(private readonly options: JobRunnerOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.now = options.now ?? (() => Date.now());
  }

  register(job: JobDefinition): void {
    if (!JOB_NAME.test(job.name)) throw new Error(`Job name ${job.name} must be lower-case letters, digits and dashes`);
    if (!(job.periodMs >= 1000)) throw new Error(`Job ${job.name} needs a period of at least a second`);
    if (this.jobs.has(job.name)) throw new Error(`Job ${job.name} is already registered`);
    this.jobs.set(job.name, job);
  }

  /** One pass over every job: runs those whose period is due here. Resolves when started runs finish. */
  async tick(): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const job of this.jobs.values()) {
      if (this.running.has(job.name)) continue;
      const nowMs = this.now();
      const offset = job.offsetMs ?? 0;
      if (nowMs - offset < 0) continue;
      const period = periodOf(nowMs - offset, job.periodMs);
      runs.push(this.tryRun(job, period));
    }
    await Promise.all(runs);
  }

  /** Ticks every `tickMs` (unref'd, so it never keeps the process alive). */
  start(tickMs: number): void {
    if (this.timer) return;
    const tick = () => {
      if (this.ticking) return;
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
      });
    };
    this.timer = setInterval(tick, tickMs);
    this.timer.unref();
    setImmediate(tick);
  }

  /** Stops ticking and asks running jobs to stop between steps; their leases expire or are released. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.controllers) c.abort();
    await this.ticking;
  }

  private async tryRun(job: JobDefinition, period: string): Promise<void> {
    const { store, holder, logger } = this.options;
    this.running.add(job.name);
    try {
      let attempt: LeaseAttempt;
      try {
        attempt = await store.acquire(job.name, period, holder, this.leaseMs, this.now());
      } catch (error) {
        logger.warn({ event: 'job.lease-unavailable', job: job.name, period, err: error }, 'Could not ask for the job lease; trying at the next tick');
        return;
      }
      if (attempt.kind !== 'acquired') return;
      let lease = attempt.lease;
      const controller = new AbortController();
      this.controllers.add(controller);
      let renewing = Promise.resolve();
      const renewTimer = setInterval(
        () => {
          renewing = renewing.then(async () => {
            if (controller.signal.aborted) return;
            try {
              const renewed = await store.renew(lease, this.leaseMs, this.now());
              if (renewed) lease = renewed;
              else {
                logger.warn({ event: 'job.lease-lost', job: job.name, period }, 'Job lease lost; stopping this run');
                controller.abort();
              }
            } catch (error) {
              // Storage hiccup: keep running; the next renewal tries again before the lease expires.
              logger.warn({ event: 'job.renew-failed', job: job.name, period, err: error }, 'Job lease renewal failed');
            }
          });
        },
        Math.max(50, Math.floor(this.leaseMs / 3)),
      );
      renewTimer.unref();
      const started = this.now();
      logger.info({ event: 'job.started', job: job.name, period, holder, resumed: lease.previousAttempts > 0 }, 'Job started');
      try {
        await job.run({ period, signal: controller.signal, resumed: lease.previousAttempts > 0, now: () => new Date(this.now()) });
        clearInterval(renewTimer);
        await renewing;
        if (controller.signal.aborted) return;
        const completed = await store.complete(lease, this.now());
        logger.info({ event: 'job.completed', job: job.name, period, ms: this.now() - started, recorded: completed }, 'Job completed');
      } catch (error) {
        clearInterval(renewTimer);
        await renewing;
        logger.error({ event: 'job.failed', job: job.name, period, err: error }, 'Job failed; another tick will try again');
        await store.release(lease).catch((releaseError: unknown) => {
          logger.warn({ event: 'job.release-failed', job: job.name, period, err: releaseError }, 'Could not release the job lease; it will expire');
        });
      } finally {
        clearInterval(renewTimer);
        this.controllers.delete(controller);
      }
    } finally {
      this.running.delete(job.name);
    }
  }
}
