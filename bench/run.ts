/**
 * `npm run bench`: tencs against a bare botbuilder bot, same machine, same auth, same load.
 *
 * Processes: Azurite (tables) behind a counting proxy, a loopback OpenID/JWKS + login server (this
 * process), the tencs bot (src/index.ts) and the baseline bot (bench/baseline-bot.ts) each as their
 * own Node process, and the load generator (bench/loadgen.ts) forked as a third. Options:
 * --quick (seconds, for the smoke test), --runs N, --steps 1,10,50, --max-ms N, --max-turns N,
 * --think-ms N, --docs FILE (default docs/benchmarks.md), --no-docs, --no-cold-start (skip bench/cold-start.ts after the report), --no-profile, --report-from FILE (re-render a saved --json), --json FILE (every figure), --profile-out DIR (raw CPU profiles).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/helpers/azurite.js';
import { measureAuditLookup, type AuditLookupMeasure } from './audit-lookup.js';
import { startBenchAzurite, type BenchAzurite } from './azurite.js';
import { botAuthEnv, newIdentity, startAuthServer, type AuthServer } from './auth.js';
import { diffCounts, startCountingProxy, totalOf, zeroCounts, type CountingProxy, type StorageCounts } from './counting-proxy.js';
import { cpuMs, loadNow, memoryMb, runFacts, type RunFacts } from './proc.js';
import { summariseProfile, type ProfileSummary } from './profile.js';
import { isProbe, isStep, ROOT, startBot, startLoadgen, type BotProcess, type LoadgenProcess } from './processes.js';
import { TURN_KINDS, type ProbeResult, type StepResult, type Target, type TurnKind } from './protocol.js';
import { scenario } from './scenario.js';
import { seedAssessments, type SeedResult } from './seed.js';
import { errorKinds, summarise, type LatencySummary } from './stats.js';
import { printTable, writeReport } from './report.js';
import { measureColdStart, writeColdStartSection } from './cold-start.js';

/** The three bots this bench compares (bench/hosts.ts compares the two hosts). */
export type RunTarget = Extract<Target['name'], 'ours' | 'baseline' | 'storage'>;

/** What to run. */
export interface BenchOptions {
  readonly steps: readonly number[];
  readonly runs: number;
  readonly maxTurns: number;
  readonly maxMs: number;
  readonly thinkMs: number;
  readonly warmupTurns: number;
  /** Turns in each storage-cost probe (one practitioner alone; 18 is one full assessment) and the pause between them. */
  readonly probeTurns: number;
  readonly probePauseMs: number;
  /** Assessments seeded in the heavy practitioner's partition, and spread across other practitioners. */
  readonly seedHeavy: number;
  readonly seedSpread: number;
  readonly seedSpreadPractitioners: number;
  /** Concurrency of the profiled step; undefined skips profiling. */
  readonly profileConcurrency: number | undefined;
  /** Where to write the markdown report; undefined writes nothing. */
  readonly docsPath: string | undefined;
  /** Where to write every figure as JSON; undefined writes nothing. */
  readonly jsonPath?: string | undefined;
  /** Where to keep the raw .cpuprofile files (open them in Chrome DevTools); undefined discards them. */
  readonly profileOut?: string | undefined;
  /** Audit entries of other cases for the `audit CASE-REF` request-count comparison (bench/audit-lookup.ts); empty skips it. */
  readonly auditLookupSizes?: readonly number[];
  readonly log: (line: string) => void;
}

/** The full bench: 6 steps x 3 runs, well under 15 minutes on 2 cores. */
export const FULL: BenchOptions = {
  steps: [1, 10, 50, 100, 200, 400],
  runs: 3,
  maxTurns: 2500,
  maxMs: 10_000,
  thinkMs: 2000,
  warmupTurns: 300,
  probeTurns: 18,
  probePauseMs: 250,
  seedHeavy: 10_000,
  seedSpread: 10_000,
  seedSpreadPractitioners: 1_000,
  profileConcurrency: 100,
  auditLookupSizes: [100, 100_000],
  docsPath: path.join(ROOT, 'docs/benchmarks.md'),
  log: (line) => process.stdout.write(`${line}\n`),
};

/** A few seconds end to end, for the smoke test in `npm test`. */
export const QUICK: BenchOptions = {
  ...FULL,
  steps: [1, 4],
  runs: 1,
  // Practitioner 0 takes the probe and every step: 18 + 6 + a few stays under the per-user burst of 30.
  maxTurns: 6,
  maxMs: 3000,
  thinkMs: 20,
  warmupTurns: 8,
  probeTurns: 18,
  probePauseMs: 50,
  seedHeavy: 30,
  seedSpread: 20,
  seedSpreadPractitioners: 4,
  profileConcurrency: undefined,
  auditLookupSizes: [100, 1_500],
  docsPath: undefined,
};

/** One bot at one concurrency in one run. */
export interface StepMeasure {
  readonly target: RunTarget;
  readonly concurrency: number;
  readonly run: number;
  readonly turns: number;
  readonly wallMs: number;
  readonly turnsPerSecond: number;
  readonly latency: LatencySummary;
  readonly byKind: Partial<Record<TurnKind, LatencySummary>>;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly cpuMsPerTurn: number;
  /** Storage requests per turn, by kind (averaged over the step). */
  readonly storagePerTurn: StorageCounts;
  readonly rssMb: number;
  readonly peakRssMb: number;
  readonly unauthenticatedReplies: number;
  /** Azurite's own CPU per turn (ours only): the storage emulator shares the two cores. */
  readonly azuriteCpuMsPerTurn: number;
  /** Time Azurite took per storage request during the step, as the proxy saw it (ours only). */
  readonly storageRequestMs: LatencySummary | undefined;
  /** Wall-clock start and end of the step (ms since epoch), to place background jobs. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A profiled step: where the CPU went, and the process's memory at its end. */
export type ProfileRun = ProfileSummary & {
  readonly turns: number;
  readonly memoryMb: { rss: number; heapTotal: number; heapUsed: number; external: number; liveHeapAfterGc: number };
};

/** One turn of a probe with the storage requests it made. */
export type ProbeTurn = ProbeResult['turns'][number];

/** Everything a bench run measured. */
export interface BenchResults extends RunFacts {
  readonly options: Omit<BenchOptions, 'log'>;
  readonly scenario: string;
  /** The TABLE_PREFIX of this run's tables (stripped from table names in the report). */
  readonly tablePrefix: string;
  readonly seed: SeedResult;
  readonly steps: StepMeasure[];
  /** Storage cost per turn for a practitioner with the seeded assessments and for a new one. */
  readonly probes: { readonly heavy: ProbeTurn[]; readonly fresh: ProbeTurn[]; readonly baseline: ProbeTurn[] };
  readonly profiles: { readonly ours?: ProfileRun; readonly baseline?: ProfileRun };
  /** Outgoing tokens the login stub issued in all, and by the end of warm-up (parallel first turns may each ask). */
  readonly tokensIssued: number;
  readonly tokensIssuedByWarmup: number;
  readonly problems: { readonly ours: string[]; readonly baseline: string[] };
  /** tencs's background jobs (the daily retention purge, first run 5 minutes after start) and the steps they overlapped. */
  readonly backgroundJobs: { readonly event: string; readonly ms: number; readonly detail: string; readonly overlapped: string[] }[];
  /** `audit CASE-REF` at each number of other cases' audit entries (its own Azurite, after the load steps). */
  readonly auditLookup: AuditLookupMeasure[];
}

function perTurn(c: StorageCounts, turns: number): StorageCounts {
  const d = Math.max(1, turns);
  const byTable = Object.fromEntries(Object.entries(c.byTable).map(([table, t]) => [table, { reads: t.reads / d, writes: t.writes / d }]));
  return { pointReads: c.pointReads / d, queries: c.queries / d, writes: c.writes / d, batches: c.batches / d, other: c.other / d, byTable };
}

async function waitForProfile(dir: string, pid: number, n: number, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const name = `${pid}-${n}.cpuprofile`;
  while (Date.now() < deadline) {
    if (readdirSync(dir).includes(name)) return path.join(dir, name);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no CPU profile from process ${pid} after ${timeoutMs / 1000} s`);
}

/** Runs the whole bench and returns what it measured; writes the report if docsPath is set. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const started = Date.now();
  const loadAtStart = loadNow();
  const log = options.log;
  const identity = newIdentity();
  const profileDir = mkdtempSync(path.join(tmpdir(), 'tencs-bench-prof-'));
  let azurite: BenchAzurite | undefined;
  let proxy: CountingProxy | undefined;
  let auth: AuthServer | undefined;
  let ours: BotProcess | undefined;
  let baseline: BotProcess | undefined;
  let storageBaseline: BotProcess | undefined;
  let loadgen: LoadgenProcess | undefined;
  try {
    azurite = await startBenchAzurite();
    proxy = await startCountingProxy(azurite.port);
    auth = await startAuthServer(identity);
    const tablePrefix = `bench${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const encryptionKeys = `bench:${randomBytes(32).toString('base64')}`;
    const heavyUser = { aadObjectId: randomUUID() };

    log(`Seeding ${options.seedHeavy} assessments for one practitioner and ${options.seedSpread} across ${options.seedSpreadPractitioners} others...`);
    const seed = await seedAssessments({
      connectionString: azurite.connectionString,
      tablePrefix,
      encryptionKeys,
      tenantId: identity.tenantId,
      heavyAadObjectId: heavyUser.aadObjectId,
      heavy: options.seedHeavy,
      spread: options.seedSpread,
      spreadPractitioners: options.seedSpreadPractitioners,
    });
    log(`  ${seed.note}`);

    const botEnv = { ...botAuthEnv(identity, auth), BENCH_PROFILE_DIR: profileDir };
    ours = await startBot('ours', 'src/index.ts', await freePort(), {
      ...botEnv,
      TABLES_CONNECTION_STRING: proxy.connectionString,
      TABLE_PREFIX: tablePrefix,
      ENCRYPTION_KEYS: encryptionKeys,
      LOG_LEVEL: 'info',
      // The load generator plays the Bot Connector on loopback; production allows only Teams' service URLs.
      ALLOW_LOOPBACK_SERVICE_URL: 'true',
    });
    baseline = await startBot('baseline', 'bench/baseline-bot.ts', await freePort(), botEnv);
    // The second baseline: the same bare bot with one point read and one write per turn, through the same proxy to the same Azurite.
    storageBaseline = await startBot('storage', 'bench/baseline-bot.ts', await freePort(), {
      ...botEnv,
      BASELINE_STORAGE: '1',
      TABLES_CONNECTION_STRING: proxy.connectionString,
      TABLE_PREFIX: tablePrefix,
    });
    const bots = { ours, baseline, storage: storageBaseline };
    log(
      `tencs pid ${ours.pid} at ${ours.url}; baseline pid ${baseline.pid} at ${baseline.url}; storage baseline pid ${storageBaseline.pid} at ${storageBaseline.url}`,
    );

    const px = proxy;
    const az = azurite;
    loadgen = await startLoadgen(identity, auth, { heavyUser, thinkMs: options.thinkMs }, () => px.counts());
    const lg = loadgen;

    let nextId = 1;
    const target = (name: RunTarget): Target => ({ name, url: bots[name].url });
    const step = async (name: RunTarget, concurrency: number, maxTurns: number, maxMs: number, thinkMs?: number): Promise<StepResult> => {
      const id = nextId++;
      const warmup = thinkMs === 0;
      lg.send({
        type: 'step',
        id,
        target: target(name),
        concurrency,
        maxTurns,
        maxMs,
        ...(thinkMs === undefined ? {} : { thinkMs }),
        pool: warmup ? 'warmup' : 'main',
      });
      return lg.next(isStep(id));
    };
    const probe = async (name: RunTarget, vp: number): Promise<ProbeTurn[]> => {
      const id = nextId++;
      lg.send({ type: 'probe', id, target: target(name), vp, turns: options.probeTurns, pauseMs: options.probePauseMs });
      return (await lg.next(isProbe(id))).turns;
    };

    log('Warming up both bots (JIT, signing keys, outgoing token, tables)...');
    // Twenty practitioners share the warm-up so none of them meets the per-user rate limit.
    for (const name of ['ours', 'baseline', 'storage'] as const) await step(name, Math.min(20, options.warmupTurns), options.warmupTurns, 60_000, 0);

    const tokensIssuedByWarmup = auth.issued();

    log('Probing storage cost per turn, one practitioner alone...');
    // Virtual practitioner 0 owns the seeded partition; the last one is new.
    const freshVp = Math.max(...options.steps) + 1;
    const probes = { heavy: await probe('ours', 0), fresh: await probe('ours', freshVp), baseline: await probe('baseline', freshVp) };

    const steps: StepMeasure[] = [];
    for (let run = 1; run <= options.runs; run += 1) {
      for (const concurrency of options.steps) {
        // Rotate which bot goes first so drift (thermal, Azurite growth) does not favour one.
        const all: RunTarget[] = ['ours', 'baseline', 'storage'];
        const shift = (run + options.steps.indexOf(concurrency)) % all.length;
        const order: RunTarget[] = [...all.slice(shift), ...all.slice(0, shift)];
        for (const name of order) {
          const bot = bots[name];
          const stepStarted = Date.now();
          const cpuBefore = cpuMs(bot.pid);
          const azuriteBefore = cpuMs(az.pid);
          const storageBefore = px.counts();
          const durationsBefore = px.durations().length;
          const result = await step(name, concurrency, options.maxTurns, options.maxMs);
          const cpu = cpuMs(bot.pid) - cpuBefore;
          const storage = diffCounts(px.counts(), storageBefore);
          const azuriteCpu = cpuMs(az.pid) - azuriteBefore;
          const storageMs = px.durations().slice(durationsBefore);
          const mem = memoryMb(bot.pid);
          const turns = result.samples.length;
          const byKind: Partial<Record<TurnKind, LatencySummary>> = {};
          for (const kind of TURN_KINDS) {
            const ms = result.samples.filter((s) => s.kind === kind).map((s) => s.ms);
            if (ms.length) byKind[kind] = summarise(ms);
          }
          const errors = result.samples.filter((s) => s.error).length;
          const measure: StepMeasure = {
            target: name,
            concurrency,
            run,
            turns,
            wallMs: result.wallMs,
            turnsPerSecond: turns / (result.wallMs / 1000),
            latency: summarise(result.samples.map((s) => s.ms)),
            byKind,
            errors,
            errorKinds: errorKinds(result.samples),
            cpuMsPerTurn: cpu / Math.max(1, turns),
            storagePerTurn: name === 'baseline' ? zeroCounts() : perTurn(storage, turns),
            rssMb: mem.rss,
            peakRssMb: mem.peak,
            unauthenticatedReplies: result.unauthenticatedReplies,
            azuriteCpuMsPerTurn: name === 'baseline' ? 0 : azuriteCpu / Math.max(1, turns),
            storageRequestMs: name !== 'baseline' && storageMs.length ? summarise(storageMs) : undefined,
            startedAt: stepStarted,
            endedAt: Date.now(),
          };
          steps.push(measure);
          log(
            `run ${run} c=${String(concurrency).padStart(3)} ${name.padEnd(8)} ${String(turns).padStart(5)} turns ${measure.turnsPerSecond.toFixed(1).padStart(6)}/s ` +
              `p50 ${measure.latency.p50.toFixed(1)} p99 ${measure.latency.p99.toFixed(1)} ms, cpu ${measure.cpuMsPerTurn.toFixed(2)} ms/turn, ` +
              `storage ${totalOf(measure.storagePerTurn).toFixed(2)}/turn (Azurite p50 ${measure.storageRequestMs?.p50.toFixed(1) ?? '–'} ms, CPU ${measure.azuriteCpuMsPerTurn.toFixed(1)} ms/turn), errors ${errors}, peak RSS ${mem.peak.toFixed(0)} MB`,
          );
        }
      }
    }

    const profiles: { -readonly [K in keyof BenchResults['profiles']]: BenchResults['profiles'][K] } = {};
    if (options.profileConcurrency !== undefined) {
      log(`Profiling one step at concurrency ${options.profileConcurrency} on each bot...`);
      for (const name of ['ours', 'baseline'] as const) {
        const bot = bots[name];
        bot.child.kill('SIGUSR2');
        await new Promise((r) => setTimeout(r, 300));
        const result = await step(name, options.profileConcurrency, options.maxTurns, options.maxMs);
        bot.child.kill('SIGUSR2');
        const file = await waitForProfile(profileDir, bot.pid, 1);
        const memory = JSON.parse(readFileSync(`${file}.memory.json`, 'utf8')) as {
          rss: number;
          heapTotal: number;
          heapUsed: number;
          external: number;
          liveHeapAfterGc: number | null;
        };
        const mb = (n: number) => n / 1024 / 1024;
        profiles[name] = {
          ...summariseProfile(file),
          turns: result.samples.length,
          memoryMb: {
            rss: mb(memory.rss),
            heapTotal: mb(memory.heapTotal),
            heapUsed: mb(memory.heapUsed),
            external: mb(memory.external),
            liveHeapAfterGc: memory.liveHeapAfterGc === null ? Number.NaN : mb(memory.liveHeapAfterGc),
          },
        };
        if (options.profileOut) {
          mkdirSync(options.profileOut, { recursive: true });
          copyFileSync(file, path.join(options.profileOut, `${name}-c${options.profileConcurrency}.cpuprofile`));
        }
      }
    }

    let auditLookup: AuditLookupMeasure[] = [];
    if (options.auditLookupSizes?.length) {
      log(`Counting the storage requests of audit CASE-REF at ${options.auditLookupSizes.join(' and ')} other cases' audit entries...`);
      auditLookup = await measureAuditLookup(options.auditLookupSizes);
      for (const r of auditLookup)
        log(
          `  ${r.otherEntries} entries: ${r.lookup.total} requests (${r.lookup.queries} queries, ${r.lookup.pointReads} point reads, ${r.lookup.writes} writes), ${r.lookup.ms} ms`,
        );
    }

    const { log: _log, ...withoutLog } = options;
    const results: BenchResults = {
      ...runFacts(started, loadAtStart),
      options: withoutLog,
      scenario: scenario.name,
      tablePrefix,
      seed,
      steps,
      probes,
      profiles,
      tokensIssued: auth.issued(),
      tokensIssuedByWarmup,
      auditLookup,
      problems: { ours: [...ours.problems], baseline: [...baseline.problems, ...storageBaseline.problems.map((p) => `storage baseline: ${p}`)] },
      backgroundJobs: ours.backgroundJobs.map((job) => ({
        event: job.event,
        ms: job.ms,
        detail: job.detail,
        overlapped: steps
          .filter((s) => s.startedAt < job.endedAt && s.endedAt > job.endedAt - job.ms)
          .map((s) => `run ${s.run} c=${s.concurrency} ${s.target}`),
      })),
    };
    printTable(results, log);
    if (options.jsonPath) writeFileSync(options.jsonPath, JSON.stringify(results, null, 1));
    if (options.docsPath) {
      writeReport(results, options.docsPath);
      log(`Wrote ${path.relative(ROOT, options.docsPath)} and its chart.`);
    }
    return results;
  } finally {
    await loadgen?.stop();
    await ours?.stop();
    await baseline?.stop();
    await storageBaseline?.stop();
    await auth?.close();
    await proxy?.close();
    await azurite?.stop();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): BenchOptions {
  let options: BenchOptions = argv.includes('--quick') ? { ...QUICK } : { ...FULL };
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string): number | undefined => {
    const v = value(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got ${v}`);
    return n;
  };
  const steps = value('--steps');
  if (steps) options = { ...options, steps: steps.split(',').map((s) => Number(s.trim())) };
  options = {
    ...options,
    runs: num('--runs') ?? options.runs,
    maxMs: num('--max-ms') ?? options.maxMs,
    maxTurns: num('--max-turns') ?? options.maxTurns,
    thinkMs: num('--think-ms') ?? options.thinkMs,
  };
  const profileOut = value('--profile-out');
  if (profileOut) options = { ...options, profileOut: path.resolve(profileOut) };
  const json = value('--json');
  if (json) options = { ...options, jsonPath: path.resolve(json) };
  const docs = value('--docs');
  if (docs) options = { ...options, docsPath: path.resolve(docs) };
  if (argv.includes('--no-docs')) options = { ...options, docsPath: undefined };
  if (argv.includes('--no-profile')) options = { ...options, profileConcurrency: undefined };
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--report-from')) {
  // Re-renders the report from a saved --json file, without running anything.
  const argv = process.argv.slice(2);
  const from = argv[argv.indexOf('--report-from') + 1];
  if (!from) throw new Error('--report-from needs the path of a --json file');
  const results = JSON.parse(readFileSync(from, 'utf8')) as BenchResults;
  const options = parseArgs(argv);
  printTable(results, options.log);
  writeReport(results, options.docsPath ?? FULL.docsPath!);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = parseArgs(process.argv.slice(2));
  runBench(options).then(
    async (results) => {
      const errors = results.steps.reduce((s, m) => s + m.errors, 0);
      process.stdout.write(`Done in ${(results.durationMs / 1000).toFixed(0)} s; ${errors} failed turns in all.\n`);
      // Cold start and peak RSS, compiled against tsx (bench/cold-start.ts), as a section of the same report.
      if (options.docsPath && !process.argv.includes('--no-cold-start')) {
        writeColdStartSection(options.docsPath, await measureColdStart({ runs: 5, build: true, log: options.log }));
      }
    },
    (error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
