import { describe, expect, it } from 'vitest';
import { QUICK, runBench, type BenchResults } from '../../bench/run.js';
import { totalOf } from '../../bench/counting-proxy.js';
import { writeReport } from '../../bench/report.js';
import { HOSTS, HOSTS_QUICK, hostsMarkdown, runHostsBench } from '../../bench/hosts.js';
import { HOSTS_HEADING } from '../../bench/sections.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('npm run bench, tiny', () => {
  it('when the harness runs a few seconds against both bots with auth on, then both answer every turn of full assessments and every figure is counted', async () => {
    const log: string[] = [];
    const results: BenchResults = await runBench({ ...QUICK, log: (line) => log.push(line) });

    for (const target of ['ours', 'baseline', 'storage'] as const) {
      const steps = results.steps.filter((s) => s.target === target);
      expect(steps.map((s) => s.concurrency)).toEqual(QUICK.steps);
      for (const s of steps) {
        expect(s.turns, `${target} at ${s.concurrency}`).toBeGreaterThan(0);
        expect(s.errors, `${target} at ${s.concurrency}: ${JSON.stringify(s.errorKinds)}`).toBe(0);
        expect(s.unauthenticatedReplies).toBe(0);
        expect(s.latency.count).toBe(s.turns);
        expect(s.peakRssMb).toBeGreaterThan(0);
      }
      expect(
        steps.reduce((sum, s) => sum + s.cpuMsPerTurn * s.turns, 0),
        `${target} CPU`,
      ).toBeGreaterThan(0);
    }
    // Each bot fetched its outgoing token from the login stub during warm-up, and never again.
    expect(results.tokensIssuedByWarmup).toBeGreaterThanOrEqual(2);
    expect(results.tokensIssued).toBe(results.tokensIssuedByWarmup);
    // The storage counts are live: tencs stores every turn of the assessment, the baseline nothing.
    expect(results.steps.filter((s) => s.target === 'ours').every((s) => totalOf(s.storagePerTurn) > 0)).toBe(true);
    expect(results.probes.heavy.length).toBe(QUICK.probeTurns);
    expect(results.probes.heavy.filter((t) => t.kind === 'submit').every((t) => totalOf(t.storage) > 0)).toBe(true);
    expect(new Set(results.probes.heavy.map((t) => t.kind))).toEqual(new Set(['message', 'submit', 'resume', 'list']));
    expect(results.seed.heavy).toBe(QUICK.seedHeavy);
    expect(results.probes.baseline.every((t) => t.storage.pointReads + t.storage.queries + t.storage.writes + t.storage.batches === 0)).toBe(true);
    // The storage baseline makes one point read and one write per turn (its first turn inserts instead of reading a row).
    for (const s of results.steps.filter((x) => x.target === 'storage')) {
      expect(s.storagePerTurn.pointReads, `storage baseline at ${s.concurrency}`).toBeLessThanOrEqual(1);
      expect(s.storagePerTurn.pointReads + s.storagePerTurn.writes, `storage baseline at ${s.concurrency}`).toBeGreaterThanOrEqual(1.5);
    }
    // audit CASE-REF: the same storage requests with few and many other cases' entries.
    expect(results.auditLookup.map((r) => r.otherEntries)).toEqual(QUICK.auditLookupSizes);
    expect(new Set(results.auditLookup.map((r) => r.lookup.total)).size).toBe(1);
    expect(results.auditLookup[0]!.lookup.queries).toBeGreaterThan(0);
    expect(log.join('\n')).toMatch(/ratio/);

    // The report renders from these results: table, targets, chart.
    const dir = mkdtempSync(path.join(tmpdir(), 'tencs-bench-doc-'));
    try {
      // The page already holds npm run bench:hosts's section: rewriting the page keeps it.
      const hosts = `${HOSTS_HEADING}\n\n| CPU ms per turn, 10 practitioners | 9.00 | 9.50 | 1.06 |\n`;
      writeFileSync(path.join(dir, 'benchmarks.md'), `# Benchmarks\n\n## Results\n\nold figures\n\n${hosts}`);
      writeReport(results, path.join(dir, 'benchmarks.md'));
      const md = readFileSync(path.join(dir, 'benchmarks.md'), 'utf8');
      expect(md).not.toContain('old figures');
      expect(md).toContain(hosts);
      expect(md).toMatch(/\| 4 \| tencs \|/);
      expect(md).toContain('## Targets');
      expect(readFileSync(path.join(dir, 'benchmarks-latency.svg'), 'utf8')).toMatch(/^<svg[\s\S]*polyline[\s\S]*<\/svg>\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('npm run bench:hosts, tiny', () => {
  it('when both hosts run the scenario interleaved, then every round measures each host with no failed turn, and the report sets them side by side with their ratio', async () => {
    const log: string[] = [];
    const options = {
      ...HOSTS_QUICK,
      steps: [1, 3],
      rounds: 2,
      maxTurns: 6,
      maxMs: 3000,
      thinkMs: 20,
      warmupTurns: 8,
      coldStart: { runs: 1, variant: 'tsx' as const, build: false },
      docsPath: undefined,
      log: (line: string) => log.push(line),
    };
    const results = await runHostsBench(options);

    for (const host of HOSTS) {
      const steps = results.steps.filter((s) => s.host === host);
      expect(steps.map((s) => [s.round, s.concurrency])).toEqual([
        [1, 1],
        [1, 3],
        [2, 1],
        [2, 3],
      ]);
      for (const s of steps) {
        expect(s.turns, `${host} at ${s.concurrency}`).toBeGreaterThan(0);
        expect(s.errors, `${host} at ${s.concurrency}: ${JSON.stringify(s.errorKinds)}`).toBe(0);
        expect(s.unauthenticatedReplies).toBe(0);
        expect(s.latency.count).toBe(s.turns);
        // Both hosts are tencs: every turn of the assessment is stored.
        expect(s.storagePerTurn).toBeGreaterThan(0);
      }
      expect(
        steps.reduce((sum, s) => sum + s.cpuMsPerTurn * s.turns, 0),
        `${host} CPU`,
      ).toBeGreaterThan(0);
      expect(results.memory[host].peakRssMb).toBeGreaterThan(0);
      expect(results.coldStart.filter((s) => s.host === host)).toHaveLength(1);
    }
    // Interleaved: in each round the host that goes first alternates from one step to the next.
    const firsts = [1, 2].flatMap((round) => [1, 3].map((c) => results.steps.find((s) => s.round === round && s.concurrency === c)!.host));
    expect(firsts).toEqual(['teams-sdk', 'teams-ai', 'teams-ai', 'teams-sdk']);

    const md = hostsMarkdown(results);
    expect(md.startsWith(HOSTS_HEADING)).toBe(true);
    expect(md).toContain('**quick mode**');
    const cpuRow = md.split('\n').find((l) => l.startsWith('| CPU ms per turn, 3 practitioners |'))!;
    const [ai, sdk, ratio] = cpuRow
      .split('|')
      .slice(2, 5)
      .map((c) => c.trim());
    expect(Number(ratio)).toBeCloseTo(Number(sdk) / Number(ai), 1);
    expect(md).toMatch(/\| cold start: process start to first \/healthz 200, ms \| \d+ \| \d+ \| \d+\.\d\d \|/);
    expect(log.join('\n')).toMatch(/teams-sdk \/ teams-ai/);
  }, 300_000);
});
