import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { totalOf, type StorageCounts } from './counting-proxy.js';
import { TURN_KINDS, type TurnKind } from './protocol.js';
import { HOSTS_HEADING, sectionOf, withSection } from './sections.js';
import { median } from './stats.js';
import type { BenchResults, ProbeTurn, StepMeasure } from './run.js';

/** Median figures for one bot at one concurrency, over the runs. */
export interface Aggregate {
  readonly runs: number;
  readonly turns: number;
  readonly turnsPerSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errors: number;
  readonly cpuMsPerTurn: number;
  readonly storagePerTurn: number;
  readonly readsPerTurn: number;
  readonly writesPerTurn: number;
  readonly peakRssMb: number;
  readonly azuriteCpuMsPerTurn: number;
  readonly storageRequestP50: number;
  readonly byKind: Partial<Record<TurnKind, { p50: number; p99: number; count: number }>>;
  readonly perRun: readonly StepMeasure[];
}

/** One concurrency step, both bots. */
export interface Row {
  readonly concurrency: number;
  readonly ours: Aggregate | undefined;
  readonly baseline: Aggregate | undefined;
  /** The bare bot with one point read and one write per turn (the storage baseline). */
  readonly storage: Aggregate | undefined;
}

function aggregate(measures: StepMeasure[]): Aggregate | undefined {
  if (measures.length === 0) return undefined;
  const byKind: Aggregate['byKind'] = {};
  for (const kind of TURN_KINDS) {
    const with_ = measures.filter((m) => m.byKind[kind]);
    if (with_.length === 0) continue;
    byKind[kind] = {
      p50: median(with_.map((m) => m.byKind[kind]!.p50)),
      p99: median(with_.map((m) => m.byKind[kind]!.p99)),
      count: with_.reduce((s, m) => s + m.byKind[kind]!.count, 0),
    };
  }
  const reads = (c: StorageCounts) => c.pointReads + c.queries;
  const writes = (c: StorageCounts) => c.writes + c.batches;
  return {
    runs: measures.length,
    turns: measures.reduce((s, m) => s + m.turns, 0),
    turnsPerSecond: median(measures.map((m) => m.turnsPerSecond)),
    p50: median(measures.map((m) => m.latency.p50)),
    p95: median(measures.map((m) => m.latency.p95)),
    p99: median(measures.map((m) => m.latency.p99)),
    errors: measures.reduce((s, m) => s + m.errors, 0),
    cpuMsPerTurn: median(measures.map((m) => m.cpuMsPerTurn)),
    storagePerTurn: median(measures.map((m) => totalOf(m.storagePerTurn))),
    readsPerTurn: median(measures.map((m) => reads(m.storagePerTurn))),
    writesPerTurn: median(measures.map((m) => writes(m.storagePerTurn))),
    // VmHWM only grows, so the first run's value is the peak reached by the time this step first ended.
    peakRssMb: Math.min(...measures.map((m) => m.peakRssMb)),
    azuriteCpuMsPerTurn: median(measures.map((m) => m.azuriteCpuMsPerTurn)),
    storageRequestP50: median(measures.map((m) => m.storageRequestMs?.p50 ?? Number.NaN)),
    byKind,
    perRun: measures,
  };
}

/** Medians per concurrency step for both bots. */
export function rows(results: BenchResults): Row[] {
  const steps = [...new Set(results.steps.map((s) => s.concurrency))].sort((a, b) => a - b);
  return steps.map((concurrency) => ({
    concurrency,
    ours: aggregate(results.steps.filter((s) => s.concurrency === concurrency && s.target === 'ours')),
    baseline: aggregate(results.steps.filter((s) => s.concurrency === concurrency && s.target === 'baseline')),
    storage: aggregate(results.steps.filter((s) => s.concurrency === concurrency && s.target === 'storage')),
  }));
}

const f = (n: number | undefined, digits = 1): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}x`;

function tableLines(results: BenchResults): string[][] {
  const out: string[][] = [
    [
      'Concurrency',
      'Bot',
      'Turns',
      'Turns/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Errors',
      'Storage req/turn',
      'CPU ms/turn',
      'Peak RSS MB so far',
      'Azurite CPU ms/turn',
      'Azurite p50 ms/req',
    ],
  ];
  for (const row of rows(results)) {
    const line = (name: string, a: Aggregate | undefined): string[] => [
      String(row.concurrency),
      name,
      a ? String(a.turns) : '–',
      f(a?.turnsPerSecond),
      f(a?.p50),
      f(a?.p95),
      f(a?.p99),
      a ? String(a.errors) : '–',
      f(a?.storagePerTurn, 2),
      f(a?.cpuMsPerTurn, 2),
      f(a?.peakRssMb, 0),
      name === 'tencs' ? f(a?.azuriteCpuMsPerTurn, 2) : '',
      name === 'tencs' ? f(a?.storageRequestP50, 2) : '',
    ];
    out.push(line('tencs', row.ours));
    out.push(line('baseline', row.baseline));
    out.push(line('storage baseline', row.storage));
    const o = row.ours;
    const b = row.baseline;
    out.push([
      String(row.concurrency),
      'ratio',
      '',
      ratio(o?.turnsPerSecond, b?.turnsPerSecond),
      ratio(o?.p50, b?.p50),
      ratio(o?.p95, b?.p95),
      ratio(o?.p99, b?.p99),
      '',
      '',
      ratio(o?.cpuMsPerTurn, b?.cpuMsPerTurn),
      ratio(o?.peakRssMb, b?.peakRssMb),
      '',
      '',
    ]);
    const st = row.storage;
    out.push([
      String(row.concurrency),
      'ratio vs storage',
      '',
      ratio(o?.turnsPerSecond, st?.turnsPerSecond),
      ratio(o?.p50, st?.p50),
      ratio(o?.p95, st?.p95),
      ratio(o?.p99, st?.p99),
      '',
      '',
      ratio(o?.cpuMsPerTurn, st?.cpuMsPerTurn),
      ratio(o?.peakRssMb, st?.peakRssMb),
      '',
      '',
    ]);
  }
  return out;
}

/** Prints the medians table to the log. */
export function printTable(results: BenchResults, log: (line: string) => void): void {
  const lines = tableLines(results);
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  log('');
  log(`Medians of ${results.options.runs} run(s); ratio = tencs / baseline; ratio vs storage = tencs / storage baseline.`);
  for (const l of lines) log(l.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  log('');
}

function markdownTable(lines: string[][], alignRightFrom = 2): string {
  const [head, ...body] = lines;
  const sep = head!.map((_, i) => (i >= alignRightFrom ? '---:' : '---'));
  return [head!, sep, ...body].map((l) => `| ${l.join(' | ')} |`).join('\n');
}

/** Storage requests of the probe's turns, grouped by label. */
function probeTable(heavy: ProbeTurn[], fresh: ProbeTurn[], seededHeavy: number, prefix: string): string {
  const labels = [...new Set([...heavy, ...fresh].map((t) => `${t.kind}|${t.label}`))];
  const lines: string[][] = [
    [
      'Turn type',
      'Turn',
      `Reads (point / query), ${seededHeavy} stored`,
      'Writes (single / batch)',
      'Reads (point / query), new practitioner',
      'Writes (single / batch)',
      'By table (reads r, writes w)',
      `ms, ${seededHeavy} stored`,
      'ms, new practitioner',
    ],
  ];
  const tables = (turns: ProbeTurn[]) =>
    [
      ...new Set(
        turns.map((t) =>
          Object.entries(t.storage.byTable)
            .map(([name, c]) => `${name.startsWith(prefix) ? name.slice(prefix.length) : name} ${c.reads}r ${c.writes}w`)
            .sort()
            .join(', '),
        ),
      ),
    ].join('; ') || '–';
  const cell = (turns: ProbeTurn[], pick: (t: ProbeTurn) => string) => (turns.length ? [...new Set(turns.map(pick))].join(', ') : '–');
  for (const key of labels) {
    const [kind, label] = key.split('|') as [string, string];
    const h = heavy.filter((t) => t.kind === kind && t.label === label);
    const n = fresh.filter((t) => t.kind === kind && t.label === label);
    const ms = (turns: ProbeTurn[]) => f(median(turns.filter((t) => !t.error).map((t) => t.ms)));
    lines.push([
      kind,
      label,
      cell(h, (t) => `${t.storage.pointReads} / ${t.storage.queries}`),
      cell(h, (t) => `${t.storage.writes} / ${t.storage.batches}`),
      cell(n, (t) => `${t.storage.pointReads} / ${t.storage.queries}`),
      cell(n, (t) => `${t.storage.writes} / ${t.storage.batches}`),
      tables([...h, ...n]),
      ms(h),
      ms(n),
    ]);
  }
  return markdownTable(lines, 2);
}

/** A line chart of p50 and p99 latency against concurrency, both bots, log scale. */
export function latencyChart(results: BenchResults): string {
  const data = rows(results);
  const W = 760;
  const H = 440;
  const m = { left: 70, right: 190, top: 40, bottom: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const values = data
    .flatMap((r) => [r.ours?.p50, r.ours?.p99, r.baseline?.p50, r.baseline?.p99])
    .filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  // Axis ends on the nearest 1-2-5 values around the data (and the 250 ms target line).
  const nice = (v: number, up: boolean): number => {
    const d = Math.pow(10, Math.floor(Math.log10(v)));
    const steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
    const pick = steps.find((k) => (up ? d * k >= v : d * k <= v)) ?? 1;
    return d * pick;
  };
  const lo = nice(Math.max(0.1, Math.min(...values, 250)), false);
  const hi = nice(Math.max(...values, 250), true);
  const x = (i: number) => m.left + (data.length === 1 ? pw / 2 : (i * pw) / (data.length - 1));
  const y = (v: number) => m.top + ph - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(
    `<text x="${m.left}" y="22" font-size="15" font-weight="bold">Turn latency against concurrent practitioners (medians of ${results.options.runs} run(s))</text>`,
  );
  for (let d = Math.pow(10, Math.floor(Math.log10(lo))); d <= hi * 1.0001; d *= 10) {
    for (const k of [1, 2, 5]) {
      const v = d * k;
      if (v < lo * 0.9999) continue;
      if (v > hi * 1.0001) break;
      const yy = y(v).toFixed(1);
      parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${yy}" y2="${yy}" stroke="${k === 1 ? '#ccc' : '#eee'}"/>`);
      parts.push(`<text x="${m.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#444">${v >= 1 ? v : v.toFixed(1)}</text>`);
    }
  }
  data.forEach((r, i) => {
    parts.push(`<line x1="${x(i)}" x2="${x(i)}" y1="${m.top}" y2="${m.top + ph}" stroke="#f2f2f2"/>`);
    parts.push(`<text x="${x(i)}" y="${m.top + ph + 20}" text-anchor="middle" fill="#444">${r.concurrency}</text>`);
  });
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 18}" text-anchor="middle">concurrent practitioners</text>`);
  parts.push(`<text x="18" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${m.top + ph / 2})">latency, ms (log scale)</text>`);
  const target = y(250).toFixed(1);
  parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${target}" y2="${target}" stroke="#c00" stroke-dasharray="2 4"/>`);
  const series: { name: string; color: string; dash: string; pick: (r: Row) => number | undefined }[] = [
    { name: 'tencs p99', color: '#1f5fbf', dash: '6 4', pick: (r) => r.ours?.p99 },
    { name: 'tencs p50', color: '#1f5fbf', dash: '', pick: (r) => r.ours?.p50 },
    { name: 'baseline p99', color: '#d07a00', dash: '6 4', pick: (r) => r.baseline?.p99 },
    { name: 'baseline p50', color: '#d07a00', dash: '', pick: (r) => r.baseline?.p50 },
  ];
  for (const s of series) {
    const pts = data
      .map((r, i) => [x(i), s.pick(r)] as const)
      .filter((p): p is readonly [number, number] => p[1] !== undefined && Number.isFinite(p[1]) && p[1] > 0);
    if (pts.length === 0) continue;
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} points="${pts.map(([px, v]) => `${px.toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [px, v] of pts) parts.push(`<circle cx="${px.toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"/>`);
  }
  const lx = m.left + pw + 20;
  series.forEach((s, i) => {
    const ly = m.top + 10 + i * 22;
    parts.push(`<line x1="${lx}" x2="${lx + 30}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/>`);
    parts.push(`<text x="${lx + 38}" y="${ly}" dominant-baseline="middle">${s.name}</text>`);
  });
  const ly = m.top + 10 + series.length * 22;
  parts.push(`<line x1="${lx}" x2="${lx + 30}" y1="${ly}" y2="${ly}" stroke="#c00" stroke-dasharray="2 4"/>`);
  parts.push(`<text x="${lx + 38}" y="${ly}" dominant-baseline="middle">p99 target 250 ms</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Fewest turns (over all runs) a step needs before its CPU ratio counts against the target. */
export const MIN_TURNS_FOR_CPU = 200;

/** A target, what we measured, and whether we met it. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/** Checks the issue's targets against the results. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const data = rows(results);
  const probeAll = [...results.probes.heavy, ...results.probes.fresh];
  const submits = probeAll.filter((t) => t.kind === 'submit');
  const reads = (t: ProbeTurn) => t.storage.pointReads + t.storage.queries;
  const writes = (t: ProbeTurn) => t.storage.writes + t.storage.batches;
  const heavyLists = results.probes.heavy.filter((t) => t.kind === 'list');
  const freshLists = results.probes.fresh.filter((t) => t.kind === 'list');
  const listShape = (ts: ProbeTurn[]) =>
    ts.length
      ? [...new Set(ts.map((t) => `${t.storage.queries} quer${t.storage.queries === 1 ? 'y' : 'ies'} + ${t.storage.pointReads} point reads`))].join(', ')
      : 'no list turn';
  // CPU per turn is read in 10 ms ticks, so only steps with enough turns say anything about the ratio.
  const cpuRatios = data
    .filter((r) => r.ours && r.baseline && r.ours.turns >= MIN_TURNS_FOR_CPU && r.baseline.turns >= MIN_TURNS_FOR_CPU)
    .map((r) => ({ c: r.concurrency, ratio: r.ours!.cpuMsPerTurn / r.baseline!.cpuMsPerTurn }));
  const storageRatios = data
    .filter((r) => r.ours && r.storage && r.ours.turns >= MIN_TURNS_FOR_CPU && r.storage.turns >= MIN_TURNS_FOR_CPU)
    .map((r) => ({ c: r.concurrency, ratio: r.ours!.cpuMsPerTurn / r.storage!.cpuMsPerTurn }));
  const at = (c: number) => data.find((r) => r.concurrency === c);
  const c200 = at(200);
  const c400 = at(400);
  const peak = Math.max(...results.steps.filter((s) => s.target === 'ours').map((s) => s.peakRssMb));
  return [
    {
      target: 'At most 1 storage read and 1 write per card submit',
      measured: submits.length
        ? `max ${Math.max(...submits.map(reads))} read(s), ${Math.max(...submits.map(writes))} write(s) over ${submits.length} submits (median ${median(submits.map(reads))} / ${median(submits.map(writes))})`
        : 'no card submits in the probe',
      met: submits.length ? Math.max(...submits.map(reads)) <= 1 && Math.max(...submits.map(writes)) <= 1 : undefined,
    },
    {
      target: '"My assessments" is one query whatever the number stored',
      measured: `with ${results.seed.heavy} stored: ${listShape(heavyLists)}; new practitioner: ${listShape(freshLists)}`,
      met:
        heavyLists.length && freshLists.length
          ? heavyLists.every((t) => t.storage.queries === 1 && t.storage.pointReads === 0 && writes(t) === 0) &&
            freshLists.every((t) => t.storage.queries === 1 && t.storage.pointReads === 0 && writes(t) === 0) &&
            results.seed.heavy > 0
          : undefined,
    },
    {
      target: 'Per-turn CPU at most 2x the bare bot',
      measured: cpuRatios.length
        ? `${cpuRatios.map((r) => `${r.c}: ${r.ratio.toFixed(2)}x`).join(', ')} (steps with at least ${MIN_TURNS_FOR_CPU} turns per bot)`
        : `no step had ${MIN_TURNS_FOR_CPU} turns per bot`,
      met: cpuRatios.length ? cpuRatios.every((r) => r.ratio <= 2) : undefined,
    },
    {
      target: 'Per-turn CPU at most 1.5x the storage baseline (bare bot + one point read and one write per turn), same run',
      measured: storageRatios.length
        ? `${storageRatios.map((r) => `${r.c}: ${r.ratio.toFixed(2)}x`).join(', ')} (steps with at least ${MIN_TURNS_FOR_CPU} turns per bot)`
        : `no step had ${MIN_TURNS_FOR_CPU} turns per bot`,
      met: storageRatios.length ? storageRatios.every((r) => r.ratio <= 1.5) : undefined,
    },
    {
      target: "`audit CASE-REF` makes the same number of storage requests with 100 and 100,000 other cases' audit entries",
      measured: results.auditLookup?.length
        ? results.auditLookup.map((r) => `${r.otherEntries.toLocaleString('en-GB')}: ${r.lookup.total}`).join(', ')
        : 'not measured',
      met: results.auditLookup?.length ? new Set(results.auditLookup.map((r) => r.lookup.total)).size === 1 : undefined,
    },
    {
      target: 'p99 under 250 ms at 200 concurrent practitioners',
      measured: c200?.ours ? `${f(c200.ours.p99)} ms (baseline ${f(c200.baseline?.p99)} ms)` : 'step not run',
      met: c200?.ours ? c200.ours.p99 < 250 : undefined,
    },
    {
      target: 'No errors at 400',
      measured: c400?.ours
        ? `${c400.ours.errors} failed of ${c400.ours.turns} turns (baseline ${c400.baseline?.errors ?? '–'} of ${c400.baseline?.turns ?? '–'})`
        : 'step not run',
      met: c400?.ours ? c400.ours.errors === 0 : undefined,
    },
    {
      target: 'Peak RSS under 300 MB',
      measured: `${f(peak, 0)} MB (baseline ${f(Math.max(...results.steps.filter((s) => s.target === 'baseline').map((s) => s.peakRssMb)), 0)} MB)`,
      met: Number.isFinite(peak) ? peak < 300 : undefined,
    },
  ];
}

/** Coarse areas the packages fall into, for the one-line answer to "what dominates". */
export function areaOf(pkg: string): string {
  if (['adaptivecards-templating', 'adaptive-expressions', 'antlr4ts'].includes(pkg))
    return 'card templating (adaptivecards-templating, adaptive-expressions, antlr4ts)';
  if (pkg.startsWith('@azure/') || pkg === '@typespec/ts-http-runtime' || pkg === 'tslib') return 'Azure SDK (Table Storage client and its HTTP pipeline)';
  if (pkg === '(garbage collector)') return 'garbage collection';
  if (
    [
      'pino',
      'sonic-boom',
      'fast-redact',
      'thread-stream',
      'pino-std-serializers',
      'quick-format-unescaped',
      'atomic-sleep',
      'safe-stable-stringify',
      'on-exit-leak-free',
    ].includes(pkg)
  )
    return 'logging (pino)';
  if (pkg.startsWith('src/') || pkg === 'cards') return 'tencs code (src/)';
  if (pkg === 'zod') return 'zod validation';
  if (
    [
      'botbuilder',
      'botbuilder-core',
      'botframework-connector',
      'botframework-schema',
      '@microsoft/teams-ai',
      'jsonwebtoken',
      'jws',
      'jwa',
      'node-fetch',
      '@azure/ms-rest-js',
    ].includes(pkg)
  )
    return 'Bot Framework SDK and JWT';
  if (pkg === 'node internals' || pkg === '(native)' || pkg === '(program)') return 'Node internals and native (HTTP, sockets, crypto, JSON)';
  return pkg;
}

function profileSection(results: BenchResults): string {
  const o = results.profiles.ours;
  const b = results.profiles.baseline;
  if (!o || !b) return '_Not profiled in this run._';
  const perTurn = (ms: number, turns: number) => ms / Math.max(1, turns);
  const names = [...new Set([...o.packages, ...b.packages].map((p) => p.name))];
  const pk = names
    .map((name) => {
      const om = perTurn(o.packages.find((p) => p.name === name)?.ms ?? 0, o.turns);
      const bm = perTurn(b.packages.find((p) => p.name === name)?.ms ?? 0, b.turns);
      return { name, om, bm, extra: om - bm };
    })
    .sort((a, c) => c.extra - a.extra);
  const totalExtra = perTurn(o.busyMs, o.turns) - perTurn(b.busyMs, b.turns);
  const areas = new Map<string, number>();
  for (const p of pk) areas.set(areaOf(p.name), (areas.get(areaOf(p.name)) ?? 0) + p.extra);
  const areaLines: string[][] = [['Area', 'extra ms/turn', 'share of extra']];
  for (const [area, extra] of [...areas.entries()].sort((a, c) => c[1] - a[1]).filter(([, e]) => Math.abs(e) >= 0.05)) {
    areaLines.push([area, f(extra, 2), totalExtra > 0 ? `${((extra / totalExtra) * 100).toFixed(0)}%` : '–']);
  }
  const top = pk.filter((p) => p.extra > 0).slice(0, 12);
  const lines: string[][] = [['Package or area', 'tencs ms/turn', 'baseline ms/turn', 'extra ms/turn', 'share of extra']];
  for (const p of top) lines.push([p.name, f(p.om, 3), f(p.bm, 3), f(p.extra, 3), totalExtra > 0 ? `${((p.extra / totalExtra) * 100).toFixed(0)}%` : '–']);
  const fn: string[][] = [['Function (self time)', 'ms in step', 'share of busy']];
  for (const x of o.functions) fn.push([`\`${x.name.replace(/\|/g, '\\|')}\``, f(x.ms, 1), `${((x.ms / o.busyMs) * 100).toFixed(1)}%`]);
  return [
    `Memory at the end of the profiled step: tencs RSS ${f(o.memoryMb.rss, 0)} MB, heap ${f(o.memoryMb.heapUsed, 0)} MB used of ${f(o.memoryMb.heapTotal, 0)} MB, of which ${f(o.memoryMb.liveHeapAfterGc, 0)} MB still live after a full collection; baseline RSS ${f(b.memoryMb.rss, 0)} MB, heap ${f(b.memoryMb.heapUsed, 0)} of ${f(b.memoryMb.heapTotal, 0)} MB, ${f(b.memoryMb.liveHeapAfterGc, 0)} MB live.`,
    '',
    `Profiled with the V8 sampling profiler (0.5 ms interval) over one step at concurrency ${results.options.profileConcurrency} on each bot: tencs ${o.turns} turns, ${f(perTurn(o.busyMs, o.turns), 2)} ms busy per turn; baseline ${b.turns} turns, ${f(perTurn(b.busyMs, b.turns), 2)} ms busy per turn. Our extra: **${f(totalExtra, 2)} ms per turn**.`,
    '',
    'Where the extra goes, by area (self time per turn, tencs minus baseline; negative means tencs spends less there):',
    '',
    markdownTable(areaLines, 1),
    '',
    'By package:',
    '',
    markdownTable(lines, 1),
    '',
    'Top self-time functions in tencs during the step:',
    '',
    markdownTable(fn, 1),
  ].join('\n');
}

function kindTable(results: BenchResults): string {
  const lines: string[][] = [['Concurrency', ...TURN_KINDS.flatMap((k) => [`${k} p50 (tencs / base)`, `${k} p99 (tencs / base)`])]];
  for (const row of rows(results)) {
    lines.push([
      String(row.concurrency),
      ...TURN_KINDS.flatMap((k) => {
        const o = row.ours?.byKind[k];
        const b = row.baseline?.byKind[k];
        return [`${f(o?.p50)} / ${f(b?.p50)}`, `${f(o?.p99)} / ${f(b?.p99)}`];
      }),
    ]);
  }
  return markdownTable(lines, 1);
}

function perRunTable(results: BenchResults): string {
  const runs = results.options.runs;
  const head = ['Concurrency', 'Bot', ...Array.from({ length: runs }, (_, i) => `run ${i + 1} p99 ms / CPU ms per turn`)];
  const lines: string[][] = [head];
  for (const row of rows(results)) {
    for (const [name, a] of [
      ['tencs', row.ours],
      ['baseline', row.baseline],
    ] as const) {
      if (!a) continue;
      lines.push([String(row.concurrency), name, ...a.perRun.map((m) => `${f(m.latency.p99)} / ${f(m.cpuMsPerTurn, 2)}`)]);
    }
  }
  return markdownTable(lines, 2);
}

/** Writes docs/benchmarks.md and its SVG chart next to it. */
/** `audit CASE-REF` at 100 and 100,000 other cases' audit entries: storage requests must not grow. */
export function auditLookupSection(results: BenchResults): string {
  const rows = results.auditLookup ?? [];
  if (rows.length === 0) return 'Not measured in this run.';
  const same = new Set(rows.map((r) => r.lookup.total)).size === 1;
  return [
    `One owner's case (one live assessment, one deleted earlier) looked up with \`PrivacyService.auditTrail\` (what \`audit CASE-REF\` runs) while the audit table also holds the given number of other cases' entries (100 per assessment, other tenants). Requests counted by the proxy; the writes are the two \`audit-viewed\` entries. The case is found by key: the owner's partition of assessments and the case index partitions (README, Storage), so the count is ${same ? '**the same** at every size' : '**not** the same (a regression)'}.`,
    '',
    markdownTable(
      [
        ["Other cases' audit entries", 'Storage requests', 'Queries', 'Point reads', 'Writes', 'ms (Azurite)', 'Old non-key filter: requests on Azurite', 'ms'],
        ...rows.map((r) => [
          r.otherEntries.toLocaleString('en-GB'),
          String(r.lookup.total),
          String(r.lookup.queries),
          String(r.lookup.pointReads),
          String(r.lookup.writes),
          String(r.lookup.ms),
          String(r.oldScan.requests),
          String(r.oldScan.ms),
        ]),
      ],
      1,
    ),
    '',
    'Azurite answers the old lookup (a filter on non-key columns across every partition) in one request whatever the size, which is why it hid the cost: Table Storage returns at most 1,000 rows a page and stops at partition boundaries and after 5 s, so there that scan takes a request per 1,000 rows at least (100 or more at 100,000 rows). Azurite keeps each table as one in-memory collection, so its time for any query grows with the table (the ms column); the request count is what carries over to Table Storage.',
  ].join('\n');
}

export function writeReport(results: BenchResults, docsPath: string): void {
  const dir = path.dirname(docsPath);
  mkdirSync(dir, { recursive: true });
  const chartName = 'benchmarks-latency.svg';
  writeFileSync(path.join(dir, chartName), latencyChart(results));
  const o = results.options;
  const checks = checkTargets(results);
  const unauth = results.steps.reduce((s, m) => s + m.unauthenticatedReplies, 0);
  const md = [
    '# Benchmarks',
    '',
    `_Generated by \`npm run bench\` (bench/run.ts) on ${results.startedAt.slice(0, 10)}; do not edit by hand, run it again._`,
    '',
    '## Environment',
    '',
    `- ${results.environment.cores} cores (${results.environment.cpuModel}), ${results.environment.platform}, Node ${results.environment.node}. The bots, Azurite, the load generator and the runner share these cores. Load average (1 min) ${results.environment.loadAverage.start.toFixed(1)} at the start, ${results.environment.loadAverage.end.toFixed(1)} at the end${results.environment.loadAverage.start > results.environment.cores ? ': other work was running on the machine, so latency and throughput here are pessimistic' : ''}.`,
    `- Whole run: ${(results.durationMs / 1000).toFixed(0)} s. ${o.runs} run(s) of every step; every figure below is the median over runs unless it says otherwise.`,
    `- Scenario: ${results.scenario}.`,
    `- Seeded before the runs: ${results.seed.heavy} assessments in one practitioner's partition and ${results.seed.spread} across ${o.seedSpreadPractitioners} others (${results.seed.note}).`,
    '',
    '## How it is measured',
    '',
    '- **Processes.** The tencs bot (`src/index.ts`, the same composition root as production) and the baseline (`bench/baseline-bot.ts`: botbuilder `CloudAdapter` + restify 11, echoing every message with a small Adaptive Card and answering every `Action.Execute` with a card; it stores nothing) run as their own Node processes under tsx. Azurite runs as its own process; the load generator (`bench/loadgen.ts`) is forked as another. Both bots stay up for the whole run and are measured in turn, alternating which goes first.',
    "- **Authentication is on in both.** The runner generates RSA keys and serves OpenID metadata and a JWKS (keys endorsed for `msteams`) on loopback; both bots get it as `BOT_OPENID_METADATA`, with `BOT_ID`, `BOT_PASSWORD`, `BOT_TENANT_ID`. The load generator signs channel tokens (issuer `https://api.botframework.com`, audience the bot id, `serviceurl` claim), one per connector URL reused while valid as the channel does, so every request pays JWT verification. For the bots' replies, botbuilder asks Entra ID for a token through MSAL; `bench/login-redirect.ts`, preloaded into both bot processes, sends requests for `login.microsoftonline.com` (and only those) to a loopback login stub. botbuilder caches that token, so it is fetched at start-up only (" +
      `${results.tokensIssued} issued in this run, ${results.tokensIssuedByWarmup} of them during warm-up, when the first turns in parallel each asked) and costs nothing per turn. The loopback connector checks every reply's bearer token (${unauth} without a valid one).`,
    `- **Load.** N virtual practitioners (N = ${o.steps.join(', ')}), each in their own personal chat, work through the scenario: send a turn, wait for the answer, pause 0–${2 * o.thinkMs} ms (uniform, mean ${o.thinkMs} ms), repeat. That is far busier than a practitioner filling in a card, so it is a harsh test. Each step stops issuing turns after ${o.maxTurns} turns or ${o.maxMs / 1000} s, whichever comes first, and waits for turns in flight. Practitioner 0 owns the seeded partition.`,
    '- **Latency** is from request sent to answer received: the HTTP response for card submits (invokes answer in the response), the connector\'s receipt of the last reply for messages. Teams\' 15 s limit is the timeout; a failed turn is a non-200, an invoke status other than 200, a message with no reply, or our "something went wrong" reply.',
    '- **Storage requests** are counted by a transparent HTTP proxy in front of Azurite (`bench/counting-proxy.ts`), so no production code changes; it adds one loopback hop to each of our storage calls. The bare baseline does no storage; the storage baseline (`bench/baseline-bot.ts` with `BASELINE_STORAGE=1`) makes one point read and one If-Match write of a 6 KB entity per turn through the same proxy to the same Azurite. Point reads, queries, writes and batches are told apart from the REST method and path.',
    `- **CPU** is the bot process's user + system time from \`/proc/<pid>/stat\` over the step, divided by its turns (10 ms ticks, so steps with few turns are coarse; the CPU target is judged on steps with at least ${MIN_TURNS_FOR_CPU} turns per bot). **Peak RSS** is \`VmHWM\` from \`/proc/<pid>/status\` (the table shows the peak reached by the end of the step's first run; the target uses the peak over the whole bench); both bots run under tsx with the production heap cap (\`node --max-old-space-size=192 --max-semi-space-size=16 --import tsx src/index.ts\` in infra/azure.bicep), so tsx's share and the cap's effect are in both.`,
    '',
    '### Limits of this bench',
    '',
    '- Azurite is an emulator on the same two cores. It keeps tables in LokiJS in memory (started with `--inMemoryPersistence`: on disk it saves its whole database every 5 s, which stalls it for seconds with this much data). Its queries test every entity of the table in JavaScript, so a query costs more as the table grows, where Table Storage reads only the partition; point reads and writes use its index. Its CPU per turn is in the results table: it competes with the bot for the same cores, which Table Storage would not.',
    '- Every storage call goes through the counting proxy: one more loopback hop, tencs only.',
    `- tencs rate-limits each practitioner (RATE_LIMIT_BURST, RATE_LIMIT_PER_MINUTE; the bench uses the defaults). The virtual practitioners stay under it (mean pause ${o.thinkMs} ms, warm-up on practitioners of its own, the probe paced), so every measured turn does the real work; a rate-limited answer counts as an error.`,
    "- Other helpers' builds and tests may share the machine; the load averages above say how busy it was. Compare tencs with the baseline measured in the same run, not with another run.",
    '',
    '## Results',
    '',
    `Medians over ${o.runs} run(s); ratio is tencs / baseline.`,
    '',
    markdownTable(tableLines(results)),
    '',
    `![Latency against concurrency](${chartName})`,
    '',
    '### Latency by turn type (ms, tencs / baseline)',
    '',
    kindTable(results),
    '',
    '### Storage requests per turn, one practitioner alone',
    '',
    `Each turn of the scenario, sent with nobody else on the bot, with the proxy's counts read before and after (latency is the median where a turn occurs more than once). "${results.seed.heavy} stored" is practitioner 0 with the seeded partition; "new practitioner" has only what the scenario made.`,
    '',
    probeTable(results.probes.heavy, results.probes.fresh, results.seed.heavy, results.tablePrefix),
    '',
    '## Targets',
    '',
    markdownTable(
      [['Target', 'Measured', 'Met?'], ...checks.map((c) => [c.target, c.measured, c.met === undefined ? 'not measured' : c.met ? 'yes' : '**no**'])],
      3,
    ),
    '',
    '## Audit lookup by case reference',
    '',
    auditLookupSection(results),
    '',
    '## What dominates our extra cost',
    '',
    profileSection(results),
    '',
    '## Every run',
    '',
    perRunTable(results),
    '',
    '## Background jobs during the run',
    '',
    results.backgroundJobs.length
      ? results.backgroundJobs
          .map(
            (j) =>
              `- tencs \`${j.event}\` took ${(j.ms / 1000).toFixed(1)} s (${j.detail}); it overlapped ${j.overlapped.length ? j.overlapped.join(', ') : 'no measured step'}.`,
          )
          .join('\n')
      : 'None: the retention purge job (once a day across all instances, run by whichever instance holds its lease) did not run during this bench.',
    '',
    '## Problems the bots logged',
    '',
    results.problems.ours.length || results.problems.baseline.length
      ? [
          ...results.problems.ours.slice(0, 10).map((l) => `- tencs: \`${l.slice(0, 300).replace(/`/g, "'")}\``),
          ...results.problems.baseline.slice(0, 10).map((l) => `- baseline: \`${l.slice(0, 300).replace(/`/g, "'")}\``),
        ].join('\n')
      : 'None: no warnings or errors from either bot.',
    '',
  ].join('\n');
  // The bot hosts' comparison is its own run (npm run bench:hosts): keep the section it last wrote.
  const hosts = existsSync(docsPath) ? sectionOf(readFileSync(docsPath, 'utf8'), HOSTS_HEADING) : undefined;
  writeFileSync(docsPath, hosts ? withSection(md, HOSTS_HEADING, hosts) : md);
}
