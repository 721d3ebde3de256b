/**
 * Measures the opened height of the summary card on a phone: renders it with the adaptivecards
 * package in headless Chromium at the Agents Playground's 446 px width (hidden sections stay
 * hidden, as when the card opens) and prints the height for each example assessment.
 * Run: npx tsx scripts/measure-summary-height.ts   (needs /usr/bin/chromium)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { renderSummaryCard } from '../src/cards/summary-cards.js';
import { summarise } from '../src/tencs/summary.js';
import { supervisionPrompts } from '../src/tencs/supervision-prompts.js';
import { SUMMARY_CASES } from '../test/fixtures/summary-cases.js';
import { EXAMPLE_LOCAL } from './summary-examples.js';

const WIDTH = 446;

async function main(): Promise<void> {
  const lib = readFileSync(new URL('../node_modules/adaptivecards/dist/adaptivecards.min.js', import.meta.url), 'utf8');
  const profile = mkdtempSync(join(tmpdir(), 'tencs-measure-'));
  // A fresh profile each run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: WIDTH, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(
      `<html><body style="margin:0;font-family:'Segoe UI',sans-serif;font-size:14px"><div id="host" style="width:${WIDTH}px"></div></body></html>`,
    );
    await page.addScriptTag({ content: lib });
    for (const c of SUMMARY_CASES) {
      const s = summarise(c.assessment, EXAMPLE_LOCAL);
      const prompts = supervisionPrompts(s);
      for (const mode of [
        { kind: 'preview', assessmentId: c.assessment.id },
        { kind: 'channel', shareId: 's-1', sharedBy: 'A practitioner', acks: [], notes: [] },
      ] as const) {
        const card = renderSummaryCard(s, prompts, mode);
        const heights = await page.evaluate((json) => {
          // Runs in the page: no DOM types in this project's compiler settings, so the globals are untyped.
          const g = globalThis as any;
          const AC = g.AdaptiveCards;
          const host = g.document.getElementById('host');
          host.innerHTML = '';
          const ac = new AC.AdaptiveCard();
          ac.hostConfig = new AC.HostConfig({
            fontFamily: 'Segoe UI, sans-serif',
            spacing: { small: 4, default: 8, medium: 12, large: 16, extraLarge: 20, padding: 16 },
          });
          ac.parse(json);
          const el = ac.render();
          host.appendChild(el);
          const opened = el.getBoundingClientRect().height;
          // Every show/hide opened, for comparison.
          for (const node of Array.from<any>(el.querySelectorAll('[style*="display: none"]'))) node.style.display = '';
          return { opened, all: el.getBoundingClientRect().height };
        }, card);
        console.log(`${c.assessment.setup?.caseRef}\t${mode.kind}\topened ${Math.round(heights.opened)} px\tall sections open ${Math.round(heights.all)} px`);
      }
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
