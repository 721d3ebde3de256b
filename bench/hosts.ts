/**
 * `npm run bench:hosts`: tencs on its two bot hosts side by side in one run: `teams-ai` (botbuilder +
 * the Teams AI Library, the default) and `teams-sdk` (@microsoft/teams.apps), both `src/index.ts` with
 * only BOT_HOST different. Under the bench scenario (full assessments, bench/scenario.ts) it measures CPU
 * per turn, latency, throughput, storage requests per turn and peak RSS; then cold start (process start
 * to the first /healthz 200, and the first message) with nothing else running.
 *
 * Both bots are up for the whole run, each with its own tables in one Azurite (so neither sees the
 * other's practitioners) and its own practitioners. Each round runs every step on both hosts, and the
 * host that goes first alternates by round and by step, so machine noise and drift (Azurite growing,
 * other work on the machine) fall on both alike. Every figure is the median over rounds; the ratio is
 * teams-sdk / teams-ai. Writes its section of docs/benchmarks.md (replacing the previous one).
 *
 * Options: --quick (a minute or two, to check that it works; its figures are not the headline),
 * --rounds N, --steps 10,50,200, --cold-starts N, --docs FILE, --no-docs, --json FILE, --report-from FILE
 * (re-render the section from a saved --json without running anything).
 * The full run takes about 8 minutes on a quiet two-core machine.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, startAzurite } from '../test/helpers/azurite.js';
import { startConnector } from '../test/helpers/connector.js';
import { botAuthEnv, newIdentity, startAuthServer, type AuthServer } from './auth.js';
import { startBenchAzurite, type BenchAzurite } from './azurite.js';
import { build, startOnce, type ColdStartSample, type Variant } from './cold-start.js';
import { diffCounts, startCountingProxy, totalOf, type CountingProxy } from './counting-proxy.js';
import { cpuMs, loadNow, memoryMb, runFacts, type RunFacts } from './proc.js';
import { isStep, ROOT, startBot, startLoadgen, type BotProcess, type LoadgenProcess } from './processes.js';
import type { StepResult, Target } from './protocol.js';
import { scenario } from './scenario.js';
import { HOSTS_HEADING, withSection } from './sections.js';
import { errorKinds, median, summarise, type LatencySummary } from './stats.js';

/** The two hosts, in the order the report shows them: the default first. */
export const HOSTS = ['teams-ai', 'teams-sdk'] as const;
export type HostName = (typeof HOSTS)[number];

export interface HostsOptions {
  /** Concurrent practitioners in each step. */
  readonly steps: readonly number[];
  /** Rounds: each runs every step on both hosts. */
  readonly rounds: number;
  readonly maxTurns: number;
  readonly maxMs: number;
  /** Mean pause between a practitioner's turns, ms (uniform 0..2x). */
  readonly thinkMs: number;
  readonly warmupTurns: number;
  /** Cold starts of each host, and how the bot is started for them; undefined skips cold start. */
  readonly coldStart: { readonly runs: number; readonly variant: Variant; readonly build: boolean } | undefined;
  /** Whether these are quick-mode figures (marked so in the report). */
  readonly quick: boolean;
  readonly docsPath: string | undefined;
  readonly jsonPath?: string | undefined;
  readonly log: (line: string) => void;
}

/** The full run: 3 steps x 4 rounds on each host, then 5 cold starts of each, compiled as production runs it. */
export const HOSTS_FULL: HostsOptions = {
  steps: [10, 50, 200],
  rounds: 4,
  maxTurns: 2500,
  maxMs: 10_000,
  thinkMs: 2000,
  warmupTurns: 300,
  coldStart: { runs: 5, variant: 'compiled', build: true },
  quick: false,
  docsPath: path.join(ROOT, 'docs/benchmarks.md'),
  log: (line) => process.stdout.write(`${line}\n`),
};

/**
 * `--quick`: a couple of minutes, to see that both hosts run and the report renders. Practitioners stay
 * under the per-user rate limit (burst 30, one a second after that) at this pace. Cold starts use tsx, so
 * nothing is built.
 */
export const HOSTS_QUICK: HostsOptions = {
  ...HOSTS_FULL,
  steps: [5, 20],
  rounds: 2,
  maxTurns: 80,
  maxMs: 4000,
  thinkMs: 250,
  warmupTurns: 40,
  coldStart: { runs: 1, variant: 'tsx', build: false },
  quick: true,
  docsPath: undefined,
};

/** One host at one concurrency in one round. */
export interface HostStep {
  readonly host: HostName;
  readonly concurrency: number;
  readonly round: number;
  readonly turns: number;
  readonly wallMs: number;
  readonly turnsPerSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly cpuMsPerTurn: number;
  readonly storagePerTurn: number;
  /** VmHWM when the step ended: the host's peak so far. */
  readonly peakRssMb: number;
  readonly unauthenticatedReplies: number;
}

export interface HostsResults extends RunFacts {
  readonly options: Omit<HostsOptions, 'log'>;
  readonly scenario: string;
  readonly steps: HostStep[];
  /** Each host's peak RSS (VmHWM) at the end of the load, and its RSS then. */
  readonly memory: Record<HostName, { readonly peakRssMb: number; readonly rssMb: number }>;
  readonly coldStart: (ColdStartSample & { readonly host: HostName })[];
  readonly problems: Record<HostName, string[]>;
  readonly backgroundJobs: Record<HostName, string[]>;
}

/** Which host goes first in a round's step: alternates by round and by step. */
export function hostOrder(round: number, stepIndex: number): readonly HostName[] {
  return (round + stepIndex) % 2 === 0 ? HOSTS : [HOSTS[1], HOSTS[0]];
}

/** The load half: both hosts up, warmed, then every round of every step on each. */
async function measureLoad(options: HostsOptions): Promise<Pick<HostsResults, 'steps' | 'memory' | 'problems' | 'backgroundJobs'>> {
  const log = options.log;
  const identity = newIdentity();
  let azurite: BenchAzurite | undefined;
  let proxy: CountingProxy | undefined;
  let auth: AuthServer | undefined;
  let loadgen: LoadgenProcess | undefined;
  const bots: Partial<Record<HostName, BotProcess>> = {};
  try {
    azurite = await startBenchAzurite();
    proxy = await startCountingProxy(azurite.port);
    auth = await startAuthServer(identity);
    const encryptionKeys = `bench:${randomBytes(32).toString('base64')}`;
    for (const host of HOSTS) {
      bots[host] = await startBot(host, 'src/index.ts', await freePort(), {
        ...botAuthEnv(identity, auth),
        BOT_HOST: host,
        TABLES_CONNECTION_STRING: proxy.connectionString,
        // Tables of its own, so neither host meets the other's practitioners or job leases.
        TABLE_PREFIX: `h${host.replace('-', '')}${randomUUID().replace(/-/g, '').slice(0, 6)}`,
        ENCRYPTION_KEYS: encryptionKeys,
        LOG_LEVEL: 'info',
        // The load generator plays the Bot Connector on loopback; production allows only Teams' service URLs.
        ALLOW_LOOPBACK_SERVICE_URL: 'true',
      });
    }
    const running = (host: HostName): BotProcess => {
      const bot = bots[host];
      if (!bot) throw new Error(`${host} bot is not running`);
      return bot;
    };
    log(HOSTS.map((h) => `${h} pid ${running(h).pid} at ${running(h).url}`).join('; '));

    const px = proxy;
    loadgen = await startLoadgen(identity, auth, { heavyUser: { aadObjectId: randomUUID() }, thinkMs: options.thinkMs }, () => px.counts());
    const lg = loadgen;

    let nextId = 1;
    const step = async (host: HostName, concurrency: number, maxTurns: number, maxMs: number, warmup = false): Promise<StepResult> => {
      const id = nextId++;
      const target: Target = { name: host, url: running(host).url };
      lg.send({ type: 'step', id, target, concurrency, maxTurns, maxMs, ...(warmup ? { thinkMs: 0, pool: 'warmup' as const } : {}) });
      return lg.next(isStep(id));
    };

    log('Warming up both hosts (JIT, signing keys, outgoing token, tables)...');
    for (const host of HOSTS) await step(host, Math.min(20, options.warmupTurns), options.warmupTurns, 60_000, true);

    const steps: HostStep[] = [];
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const [stepIndex, concurrency] of options.steps.entries()) {
        for (const host of hostOrder(round, stepIndex)) {
          const bot = running(host);
          const cpuBefore = cpuMs(bot.pid);
          const storageBefore = px.counts();
          const result = await step(host, concurrency, options.maxTurns, options.maxMs);
          const cpu = cpuMs(bot.pid) - cpuBefore;
          const storage = totalOf(diffCounts(px.counts(), storageBefore));
          const turns = result.samples.length;
          const measure: HostStep = {
            host,
            concurrency,
            round,
            turns,
            wallMs: result.wallMs,
            turnsPerSecond: turns / (result.wallMs / 1000),
            latency: summarise(result.samples.map((s) => s.ms)),
            errors: result.samples.filter((s) => s.error).length,
            errorKinds: errorKinds(result.samples),
            cpuMsPerTurn: cpu / Math.max(1, turns),
            storagePerTurn: storage / Math.max(1, turns),
            peakRssMb: memoryMb(bot.pid).peak,
            unauthenticatedReplies: result.unauthenticatedReplies,
          };
          steps.push(measure);
          log(
            `round ${round} c=${String(concurrency).padStart(3)} ${host.padEnd(9)} ${String(turns).padStart(5)} turns ${measure.turnsPerSecond.toFixed(1).padStart(6)}/s ` +
              `p50 ${measure.latency.p50.toFixed(1)} p99 ${measure.latency.p99.toFixed(1)} ms, cpu ${measure.cpuMsPerTurn.toFixed(2)} ms/turn, ` +
              `storage ${measure.storagePerTurn.toFixed(2)}/turn, errors ${measure.errors}, peak RSS ${measure.peakRssMb.toFixed(0)} MB`,
          );
        }
      }
    }
    const memoryOf = (host: HostName) => {
      const m = memoryMb(running(host).pid);
      return { peakRssMb: m.peak, rssMb: m.rss };
    };
    const jobsOf = (host: HostName) => running(host).backgroundJobs.map((j) => `${j.event} took ${(j.ms / 1000).toFixed(1)} s (${j.detail})`);
    return {
      steps,
      memory: { 'teams-ai': memoryOf('teams-ai'), 'teams-sdk': memoryOf('teams-sdk') },
      problems: { 'teams-ai': [...running('teams-ai').problems], 'teams-sdk': [...running('teams-sdk').problems] },
      backgroundJobs: { 'teams-ai': jobsOf('teams-ai'), 'teams-sdk': jobsOf('teams-sdk') },
    };
  } finally {
    await loadgen?.stop();
    for (const host of HOSTS) await bots[host]?.stop();
    await auth?.close();
    await proxy?.close();
    await azurite?.stop();
  }
}

/** Cold starts of each host, alternating which goes first, with nothing else running (bench/cold-start.ts times each). */
async function measureColdStarts(options: HostsOptions): Promise<HostsResults['coldStart']> {
  const cold = options.coldStart;
  if (!cold) return [];
  if (cold.build) {
    options.log('cold start: npm run build (tsc -p tsconfig.build.json)');
    build();
  }
  if (cold.variant === 'compiled' && !existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run build');
  const azurite = await startAzurite();
  const connector = await startConnector();
  const samples: HostsResults['coldStart'] = [];
  try {
    for (let run = 0; run < cold.runs; run++) {
      for (const host of hostOrder(run, 0)) {
        const sample = { ...(await startOnce(cold.variant, azurite.connectionString, connector, { BOT_HOST: host })), host };
        samples.push(sample);
        options.log(
          `cold start ${run + 1}/${cold.runs} ${host} (${cold.variant}): ready ${sample.readyMs.toFixed(0)} ms, CPU ${sample.readyCpuMs.toFixed(0)} ms, first turn ${sample.firstTurnMs.toFixed(0)} ms, peak RSS ${sample.peakRssMb.toFixed(0)} MB`,
        );
      }
    }
  } finally {
    await connector.close();
    await azurite.stop();
  }
  return samples;
}

/** Runs both halves and returns what they measured; writes the report section if docsPath is set. */
export async function runHostsBench(options: HostsOptions): Promise<HostsResults> {
  const started = Date.now();
  const loadAtStart = loadNow();
  const load = await measureLoad(options);
  const coldStart = await measureColdStarts(options);
  const { log: _log, ...rest } = options;
  const results: HostsResults = {
    ...runFacts(started, loadAtStart),
    options: rest,
    scenario: scenario.name,
    ...load,
    coldStart,
  };
  for (const line of hostsTable(results)) options.log(line);
  if (options.jsonPath) writeFileSync(options.jsonPath, JSON.stringify(results, null, 1));
  if (options.docsPath) {
    writeHostsSection(options.docsPath, results);
    options.log(`Wrote its section of ${path.relative(ROOT, options.docsPath)}.`);
  }
  return results;
}

/** Medians over rounds for one host at one concurrency. */
export interface HostAggregate {
  readonly rounds: number;
  readonly turns: number;
  readonly errors: number;
  readonly turnsPerSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly cpuMsPerTurn: number;
  readonly storagePerTurn: number;
}

export function aggregate(results: HostsResults, host: HostName, concurrency: number): HostAggregate | undefined {
  const m = results.steps.filter((s) => s.host === host && s.concurrency === concurrency);
  if (m.length === 0) return undefined;
  return {
    rounds: m.length,
    turns: m.reduce((s, x) => s + x.turns, 0),
    errors: m.reduce((s, x) => s + x.errors, 0),
    turnsPerSecond: median(m.map((x) => x.turnsPerSecond)),
    p50: median(m.map((x) => x.latency.p50)),
    p95: median(m.map((x) => x.latency.p95)),
    p99: median(m.map((x) => x.latency.p99)),
    cpuMsPerTurn: median(m.map((x) => x.cpuMsPerTurn)),
    storagePerTurn: median(m.map((x) => x.storagePerTurn)),
  };
}

const fmt = (n: number | undefined, digits = 1): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
/** teams-sdk / teams-ai, or a dash where either is missing or zero. */
export const hostRatio = (sdk: number | undefined, ai: number | undefined): string =>
  sdk === undefined || ai === undefined || !Number.isFinite(sdk) || !Number.isFinite(ai) || ai === 0 ? '–' : (sdk / ai).toFixed(2);

/** The comparison as table rows: one per metric, teams-ai, teams-sdk and their ratio. */
export function comparisonRows(results: HostsResults): string[][] {
  const rows: string[][] = [];
  const concurrencies = [...new Set(results.steps.map((s) => s.concurrency))].sort((a, b) => a - b);
  const metrics: [string, keyof HostAggregate, number][] = [
    ['CPU ms per turn', 'cpuMsPerTurn', 2],
    ['p50 latency ms', 'p50', 1],
    ['p95 latency ms', 'p95', 1],
    ['p99 latency ms', 'p99', 1],
    ['turns per second', 'turnsPerSecond', 1],
    ['storage requests per turn', 'storagePerTurn', 2],
  ];
  for (const c of concurrencies) {
    const ai = aggregate(results, 'teams-ai', c);
    const sdk = aggregate(results, 'teams-sdk', c);
    for (const [label, key, digits] of metrics)
      rows.push([`${label}, ${c} practitioners`, fmt(ai?.[key], digits), fmt(sdk?.[key], digits), hostRatio(sdk?.[key], ai?.[key])]);
    rows.push([`turns (failed), ${c} practitioners, all rounds`, `${ai?.turns ?? 0} (${ai?.errors ?? 0})`, `${sdk?.turns ?? 0} (${sdk?.errors ?? 0})`, '']);
  }
  const mem = results.memory;
  rows.push([
    'peak RSS MB over the load',
    fmt(mem['teams-ai'].peakRssMb, 0),
    fmt(mem['teams-sdk'].peakRssMb, 0),
    hostRatio(mem['teams-sdk'].peakRssMb, mem['teams-ai'].peakRssMb),
  ]);
  rows.push([
    'RSS MB at the end of the load',
    fmt(mem['teams-ai'].rssMb, 0),
    fmt(mem['teams-sdk'].rssMb, 0),
    hostRatio(mem['teams-sdk'].rssMb, mem['teams-ai'].rssMb),
  ]);
  const cold: [string, keyof Omit<ColdStartSample, 'variant'>, string][] = [
    ['cold start: process start to first /healthz 200', 'readyMs', 'ms'],
    ['cold start: CPU to get there', 'readyCpuMs', 'ms'],
    ['cold start: first message to its reply', 'firstTurnMs', 'ms'],
    ['cold start: peak RSS after the first message', 'peakRssMb', 'MB'],
  ];
  for (const [label, key, unit] of cold) {
    const of = (host: HostName) => median(results.coldStart.filter((s) => s.host === host).map((s) => s[key]));
    if (results.coldStart.length === 0) continue;
    rows.push([`${label}, ${unit}`, fmt(of('teams-ai'), 0), fmt(of('teams-sdk'), 0), hostRatio(of('teams-sdk'), of('teams-ai'))]);
  }
  return rows;
}

/** The table for the console. */
export function hostsTable(results: HostsResults): string[] {
  const lines = [['Metric', 'teams-ai', 'teams-sdk', 'teams-sdk / teams-ai'], ...comparisonRows(results)];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return [
    '',
    `Medians of ${results.options.rounds} round(s)${results.options.quick ? ' (QUICK MODE: a check that it runs, not figures to quote)' : ''}:`,
    ...lines.map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')),
    '',
  ];
}

/** The docs section: how it was run, on what, how busy the machine was, and the comparison. */
export function hostsMarkdown(results: HostsResults): string {
  const o = results.options;
  const env = results.environment;
  const busy = env.loadAverage.start > env.cores || env.loadAverage.end > env.cores;
  const cold = o.coldStart;
  const problems = HOSTS.flatMap((h) => results.problems[h].slice(0, 5).map((l) => `- ${h}: \`${l.slice(0, 300).replace(/`/g, "'")}\``));
  const jobs = HOSTS.flatMap((h) => results.backgroundJobs[h].map((j) => `- ${h}: ${j}`));
  return [
    HOSTS_HEADING,
    '',
    `_Generated by \`npm run bench:hosts\` (bench/hosts.ts) on ${results.startedAt.slice(0, 10)}${o.quick ? ', in **quick mode** (a check that it runs on a loaded machine, not figures to quote; run `npm run bench:hosts` without `--quick` on a quiet machine)' : ''}; do not edit by hand, run it again._`,
    '',
    `- Machine: ${env.cores} cores (${env.cpuModel}), ${env.platform}, Node ${env.node}; both bots, Azurite, the load generator and the runner share these cores. Load average (1 min) ${fmt(env.loadAverage.start)} at the start and ${fmt(env.loadAverage.end)} at the end${busy ? ': other work was running on the machine, so latency and throughput are pessimistic for both; compare the columns, not with other runs' : ''}.`,
    `- Whole run: ${(results.durationMs / 1000).toFixed(0)} s. The full run (\`npm run bench:hosts\`: steps ${HOSTS_FULL.steps.join(', ')} practitioners, ${HOSTS_FULL.rounds} rounds, ${HOSTS_FULL.coldStart?.runs ?? 0} cold starts of each) takes about 8 minutes on a quiet two-core machine, under 12.`,
    `- Both hosts are \`src/index.ts\` with only \`BOT_HOST\` different, each its own Node process under tsx with the production heap flags, auth on (the loopback OpenID/JWKS and login stub of \`npm run bench\`), each with its own tables in one Azurite behind the counting proxy. Scenario: ${results.scenario}. Steps: ${o.steps.join(', ')} concurrent practitioners, each pausing 0–${2 * o.thinkMs} ms between turns, at most ${o.maxTurns} turns or ${o.maxMs / 1000} s a step.`,
    `- ${o.rounds} rounds; each runs every step on both hosts, and which host goes first alternates by round and by step, so noise on the machine falls on both alike. Every figure is the median over rounds; the ratio is **teams-sdk / teams-ai** (above 1: the Teams SDK host costs more). CPU is the bot process's user + system time over the step (10 ms ticks) per turn; peak RSS is VmHWM after the whole load.`,
    cold
      ? `- Cold start: ${cold.runs} start(s) of each host after the load (nothing else running), ${cold.variant === 'compiled' ? 'compiled as production runs it (`node dist/index.js`)' : 'under tsx (`--import tsx src/index.ts`)'}, with the production heap flags, auth off on loopback, alternating which goes first, timed as \`npm run bench:cold-start\` times them.`
      : '- Cold start: not measured in this run.',
    '',
    '| Metric | teams-ai | teams-sdk | teams-sdk / teams-ai |',
    '|---|---:|---:|---:|',
    ...comparisonRows(results).map((r) => `| ${r.join(' | ')} |`),
    '',
    jobs.length ? `Background jobs during the load:\n\n${jobs.join('\n')}` : 'No background job (the retention purge) ran during the load.',
    '',
    problems.length ? `Problems the bots logged (first five each):\n\n${problems.join('\n')}` : 'Neither bot logged a warning or an error.',
    '',
  ].join('\n');
}

export function writeHostsSection(docsPath: string, results: HostsResults): void {
  const doc = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(docsPath, withSection(doc, HOSTS_HEADING, hostsMarkdown(results)));
}

function parseArgs(argv: readonly string[]): HostsOptions {
  let options: HostsOptions = argv.includes('--quick') ? { ...HOSTS_QUICK } : { ...HOSTS_FULL };
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const whole = (flag: string): number | undefined => {
    const v = value(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a whole number of at least 1, got ${v}`);
    return n;
  };
  const steps = value('--steps');
  if (steps) options = { ...options, steps: steps.split(',').map((s) => Number(s.trim())) };
  if (options.steps.some((s) => !Number.isInteger(s) || s < 1)) throw new Error('--steps takes whole numbers of at least 1, comma-separated');
  options = { ...options, rounds: whole('--rounds') ?? options.rounds };
  const coldStarts = whole('--cold-starts');
  if (coldStarts !== undefined && options.coldStart) options = { ...options, coldStart: { ...options.coldStart, runs: coldStarts } };
  const docs = value('--docs');
  if (docs) options = { ...options, docsPath: path.resolve(docs) };
  if (argv.includes('--no-docs')) options = { ...options, docsPath: undefined };
  const json = value('--json');
  if (json) options = { ...options, jsonPath: path.resolve(json) };
  return options;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
const argv = process.argv.slice(2);
if (isMain && argv.includes('--report-from')) {
  // Re-renders the section from a saved --json file, without running anything.
  const from = argv[argv.indexOf('--report-from') + 1];
  if (!from) throw new Error('--report-from needs the path of a --json file');
  const results = JSON.parse(readFileSync(from, 'utf8')) as HostsResults;
  for (const line of hostsTable(results)) process.stdout.write(`${line}\n`);
  writeHostsSection(parseArgs(argv).docsPath ?? path.join(ROOT, 'docs/benchmarks.md'), results);
} else if (isMain) {
  const options = parseArgs(argv);
  runHostsBench(options).then(
    (results) => {
      const errors = results.steps.reduce((s, m) => s + m.errors, 0);
      process.stdout.write(`Done in ${(results.durationMs / 1000).toFixed(0)} s; ${errors} failed turns in all.\n`);
    },
    (error: unknown) => {
      process.stderr.write(`bench:hosts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
