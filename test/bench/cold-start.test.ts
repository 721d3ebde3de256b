import { describe, expect, it } from 'vitest';
import { coldStartMarkdown, SECTION_HEADING, VARIANTS, withColdStartSection, type ColdStartResults } from '../../bench/cold-start.js';

const results: ColdStartResults = {
  node: 'v24.22.3',
  cores: 2,
  loadAverage: { start: 0.5, end: 0.7 },
  runs: 3,
  samples: [
    { variant: 'compiled', readyMs: 900, readyCpuMs: 700, readyPeakRssMb: 100, firstTurnMs: 50, peakRssMb: 110 },
    { variant: 'tsx', readyMs: 2000, readyCpuMs: 1800, readyPeakRssMb: 130, firstTurnMs: 80, peakRssMb: 140 },
    { variant: 'tsx', readyMs: 1800, readyCpuMs: 1600, readyPeakRssMb: 120, firstTurnMs: 60, peakRssMb: 150 },
    { variant: 'compiled', readyMs: 1100, readyCpuMs: 800, readyPeakRssMb: 104, firstTurnMs: 40, peakRssMb: 112 },
    { variant: 'compiled', readyMs: 1000, readyCpuMs: 750, readyPeakRssMb: 102, firstTurnMs: 45, peakRssMb: 114 },
    { variant: 'tsx', readyMs: 2200, readyCpuMs: 1700, readyPeakRssMb: 125, firstTurnMs: 70, peakRssMb: 145 },
  ],
};

describe('npm run bench:cold-start, its report', () => {
  it("when both ways were started, then the commands are production's and tsx's, each with the heap cap", () => {
    expect(VARIANTS.compiled).toEqual(['--max-old-space-size=192', '--max-semi-space-size=16', 'dist/index.js']);
    expect(VARIANTS.tsx).toEqual(['--max-old-space-size=192', '--max-semi-space-size=16', '--import', 'tsx', 'src/index.ts']);
  });

  it('when samples are summarised, then medians of each variant sit side by side with their ratio, and every start is listed', () => {
    const md = coldStartMarkdown(results);
    expect(md.startsWith(SECTION_HEADING)).toBe(true);
    expect(md).toContain('| Process start to first `/healthz` 200 | 1000 ms | 2000 ms | 0.50 |');
    expect(md).toContain('| CPU used to get there | 750 ms | 1700 ms | 0.44 |');
    expect(md).toContain('| Peak RSS after the first message | 112 MB | 145 MB | 0.77 |');
    expect(md.match(/^\| \d+ \| (compiled|tsx) \|/gm)).toHaveLength(6);
  });

  it('when the section is written into a report, then it replaces the previous one and keeps what follows', () => {
    const report = `# Benchmarks\n\n## Results\n\nfigures\n`;
    const once = withColdStartSection(report, coldStartMarkdown(results));
    expect(once.startsWith(report.trimEnd())).toBe(true);
    const later = `${once}\n## Problems the bots logged\n\nNone.\n`;
    const again = withColdStartSection(later, coldStartMarkdown({ ...results, node: 'v24.99.0' }));
    expect(again.split(SECTION_HEADING)).toHaveLength(2);
    expect(again).toContain('Node v24.99.0');
    expect(again).not.toContain('Node v24.22.3');
    expect(again).toContain('## Problems the bots logged\n\nNone.\n');
    expect(again).toContain('## Results\n\nfigures\n');
  });
});
