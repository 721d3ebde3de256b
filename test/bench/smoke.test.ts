import { describe, expect, it } from 'vitest';
import { QUICK, runBench, type BenchResults } from '../../bench/run.js';
import { totalOf } from '../../bench/counting-proxy.js';
import { writeReport } from '../../bench/report.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
      writeReport(results, path.join(dir, 'benchmarks.md'));
      const md = readFileSync(path.join(dir, 'benchmarks.md'), 'utf8');
      expect(md).toMatch(/\| 4 \| tencs \|/);
      expect(md).toContain('## Targets');
      expect(readFileSync(path.join(dir, 'benchmarks-latency.svg'), 'utf8')).toMatch(/^<svg[\s\S]*polyline[\s\S]*<\/svg>\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
