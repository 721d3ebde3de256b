/**
 * `npm run bench:cold-start`: how long the bot takes from process start to its first `/healthz` 200, and
 * how much memory it holds, run the way production runs it (compiled: `node dist/index.js`) and the way
 * it ran before (TypeScript through tsx: `node --import tsx src/index.ts`), side by side in one run.
 * Both get the production heap cap. Runs alternate which goes first. Writes its section into
 * docs/benchmarks.md (replacing the previous one); `npm run bench` does the same after its report.
 * Options: --runs N (default 7), --no-docs, --no-build (use dist/ as it is).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { freePort, startAzurite } from '../test/helpers/azurite.js';
import { message, newUser } from '../test/helpers/bot-harness.js';
import { startConnector, type LoopbackConnector } from '../test/helpers/connector.js';
import { cpuMs, memoryMb } from './proc.js';
import { ROOT, stopChild } from './processes.js';
import { withSection } from './sections.js';
import { median } from './stats.js';

const require = createRequire(import.meta.url);

/** The two ways of starting the bot, each with infra/azure.bicep's heap cap. */
export const VARIANTS = {
  compiled: ['--max-old-space-size=192', '--max-semi-space-size=16', 'dist/index.js'],
  tsx: ['--max-old-space-size=192', '--max-semi-space-size=16', '--import', 'tsx', 'src/index.ts'],
} as const;
export type Variant = keyof typeof VARIANTS;

/** One start of one variant. */
export interface ColdStartSample {
  readonly variant: Variant;
  /** Process spawned to the first /healthz 200 (polled every 10 ms). */
  readonly readyMs: number;
  /** CPU (user + system) the process used to get there. */
  readonly readyCpuMs: number;
  /** Peak RSS (VmHWM) when /healthz first answered 200. */
  readonly readyPeakRssMb: number;
  /** The first message (the welcome card, which loads the card templates and the rest of the bot) from sent to reply. */
  readonly firstTurnMs: number;
  /** Peak RSS (VmHWM) after that first turn. */
  readonly peakRssMb: number;
}

export interface ColdStartResults {
  readonly node: string;
  readonly cores: number;
  /** 1-minute load average at the start and the end: other work on the machine stretches wall times, not CPU. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly runs: number;
  readonly samples: readonly ColdStartSample[];
}

/** Compiles src/ to dist/ exactly as `npm run build` does (tsconfig.build.json). */
export function build(): void {
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${result.stdout}${result.stderr}`);
}

/** Starts the bot once as `variant` (with `extraEnv`, e.g. BOT_HOST), times it to ready and through its first message, and stops it. */
export async function startOnce(
  variant: Variant,
  tablesConnectionString: string,
  connector: LoopbackConnector,
  extraEnv: Record<string, string> = {},
): Promise<ColdStartSample> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    BOT_AUTH: 'disabled',
    HOST: '127.0.0.1',
    PORT: String(port),
    TABLES_CONNECTION_STRING: tablesConnectionString,
    TABLE_PREFIX: `cs${randomBytes(4).toString('hex')}`,
    ENCRYPTION_KEYS: `cs:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const started = performance.now();
  const child = spawn(process.execPath, [...VARIANTS[variant]], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  try {
    const url = `http://127.0.0.1:${port}`;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${variant} bot exited with ${child.exitCode} before /healthz answered:\n${stderr}`);
      if (performance.now() - started > 120_000) throw new Error(`${variant} bot did not answer /healthz within 120 s:\n${stderr}`);
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      if (res) await res.arrayBuffer();
      if (res?.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - started;
    const readyCpuMs = cpuMs(child.pid!);
    const readyPeakRssMb = memoryMb(child.pid!).peak;

    connector.clear();
    const user = newUser();
    const activity = message({ connector }, user, 'hello');
    const turnStarted = performance.now();
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await res.arrayBuffer();
    const reply = connector
      .activities()
      .find((a) => (a.conversation as { id?: string } | undefined)?.id === user.conversationId && Array.isArray(a.attachments));
    if (res.status !== 200 || !reply) throw new Error(`${variant} bot did not answer the first message with a card (HTTP ${res.status}):\n${stderr}`);
    const firstTurnMs = performance.now() - turnStarted;
    return { variant, readyMs, readyCpuMs, readyPeakRssMb, firstTurnMs, peakRssMb: memoryMb(child.pid!).peak };
  } finally {
    await stopChild(child);
  }
}

/** Starts each variant `runs` times on one Azurite, alternating which goes first. */
export async function measureColdStart(options: { runs: number; build: boolean; log: (line: string) => void }): Promise<ColdStartResults> {
  if (options.build) {
    options.log('cold start: npm run build (tsc -p tsconfig.build.json)');
    build();
  }
  if (!existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: run npm run build');
  const loadStart = loadavg()[0] ?? 0;
  const azurite = await startAzurite();
  const connector = await startConnector();
  const samples: ColdStartSample[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const order: Variant[] = run % 2 === 0 ? ['compiled', 'tsx'] : ['tsx', 'compiled'];
      for (const variant of order) {
        const sample = await startOnce(variant, azurite.connectionString, connector);
        samples.push(sample);
        options.log(
          `cold start run ${run + 1}/${options.runs} ${variant}: ready ${sample.readyMs.toFixed(0)} ms, first turn ${sample.firstTurnMs.toFixed(0)} ms, peak RSS ${sample.peakRssMb.toFixed(0)} MB`,
        );
      }
    }
  } finally {
    await connector.close();
    await azurite.stop();
  }
  return { node: process.version, cores: cpus().length, loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 }, runs: options.runs, samples };
}

export const SECTION_HEADING = '## Cold start and memory: compiled against tsx';

/** The docs section: medians side by side, then every sample. */
export function coldStartMarkdown(results: ColdStartResults): string {
  const of = (variant: Variant, key: keyof Omit<ColdStartSample, 'variant'>) => median(results.samples.filter((s) => s.variant === variant).map((s) => s[key]));
  const rowsSpec: [string, keyof Omit<ColdStartSample, 'variant'>, string][] = [
    ['Process start to first `/healthz` 200', 'readyMs', 'ms'],
    ['CPU used to get there', 'readyCpuMs', 'ms'],
    ['Peak RSS at that point', 'readyPeakRssMb', 'MB'],
    ['First message to its reply (welcome card)', 'firstTurnMs', 'ms'],
    ['Peak RSS after the first message', 'peakRssMb', 'MB'],
  ];
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
  const lines = [
    SECTION_HEADING,
    '',
    `_Generated by \`npm run bench:cold-start\` (bench/cold-start.ts), Node ${results.node}, ${results.runs} starts of each, alternating which goes first; medians. ${results.cores} cores, load average (1 min) ${results.loadAverage.start.toFixed(1)} at the start and ${results.loadAverage.end.toFixed(1)} at the end${results.loadAverage.start > results.cores ? ': the machine was busy with other work, so wall times are long; compare the two columns, and CPU, rather than the absolute times' : ''}._`,
    '',
    'Production starts the compiled JavaScript (`node --max-old-space-size=192 --max-semi-space-size=16 dist/index.js`, infra/azure.bicep); before, it ran the TypeScript through tsx (`node --max-old-space-size=192 --max-semi-space-size=16 --import tsx src/index.ts`), which transpiles every module at each start and scale-out. Both here run on the same Azurite with auth off on loopback; "ready" is the first `/healthz` 200 (it pings storage), polled every 10 ms.',
    '',
    '| | compiled (`dist/index.js`) | tsx (`src/index.ts`) | compiled / tsx |',
    '|---|---:|---:|---:|',
    ...rowsSpec.map(([label, key, unit]) => {
      const c = of('compiled', key);
      const t = of('tsx', key);
      return `| ${label} | ${fmt(c)} ${unit} | ${fmt(t)} ${unit} | ${t > 0 ? (c / t).toFixed(2) : 'n/a'} |`;
    }),
    '',
    '<details><summary>Every start</summary>',
    '',
    '| Start | Variant | Ready (ms) | CPU to ready (ms) | Peak RSS at ready (MB) | First turn (ms) | Peak RSS after (MB) |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...results.samples.map(
      (s, i) =>
        `| ${i + 1} | ${s.variant} | ${fmt(s.readyMs)} | ${fmt(s.readyCpuMs)} | ${s.readyPeakRssMb.toFixed(1)} | ${fmt(s.firstTurnMs)} | ${s.peakRssMb.toFixed(1)} |`,
    ),
    '',
    '</details>',
    '',
  ];
  return lines.join('\n');
}

/** Puts the section into a benchmarks document, replacing an earlier one (up to the next `## ` heading) or appending it. */
export function withColdStartSection(doc: string, section: string): string {
  return withSection(doc, SECTION_HEADING, section);
}

export function writeColdStartSection(docsPath: string, results: ColdStartResults): void {
  const doc = existsSync(docsPath) ? readFileSync(docsPath, 'utf8') : '# Benchmarks\n';
  writeFileSync(docsPath, withColdStartSection(doc, coldStartMarkdown(results)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');
  const results = await measureColdStart({ runs, build: !args.includes('--no-build'), log: (line) => process.stdout.write(`${line}\n`) });
  const section = coldStartMarkdown(results);
  process.stdout.write(`\n${section}\n`);
  if (!args.includes('--no-docs')) writeColdStartSection(path.join(ROOT, 'docs/benchmarks.md'), results);
}
