import { describe, expect, it } from 'vitest';
import { summarise } from '../../src/tencs/summary.js';
import { MAX_PROMPTS_PER_STAGE, SUPERVISION_STAGES, supervisionPrompts, type SupervisionPrompt } from '../../src/tencs/supervision-prompts.js';
import { getC } from '../../src/tencs/ten-cs.js';
import { ALL_LOW, MANY_HIGH_OFFLINE, NOTHING_EXPLORED, ONE_HIGH, SALLY, SALLY_CS, atLimits } from '../fixtures/assessments.js';
import type { Assessment } from '../../src/tencs/assessment.js';

const promptsFor = (a: Assessment) => supervisionPrompts(summarise(a));
const keys = (ps: SupervisionPrompt[]) => ps.map((p) => p.key);

describe.each([
  ['Sally', SALLY],
  ['all low', ALL_LOW],
  ['one high', ONE_HIGH],
  ['many high with offline factors', MANY_HIGH_OFFLINE],
  ['nothing explored', NOTHING_EXPLORED],
  ['every field at its limit', atLimits()],
])('supervision prompts for %s', (_name, assessment) => {
  const prompts = promptsFor(assessment);

  it('when generated, then they follow the four stages in order and each stage has between one and the maximum prompts', () => {
    const stages = prompts.map((p) => p.stage);
    expect([...new Set(stages)]).toEqual([...SUPERVISION_STAGES]);
    for (const stage of SUPERVISION_STAGES) {
      const n = stages.filter((s) => s === stage).length;
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(MAX_PROMPTS_PER_STAGE);
    }
  });

  it('when generated, then every prompt names at least one C', () => {
    for (const p of prompts) expect(p.cs.length).toBeGreaterThan(0);
  });

  it('when generated, then lived experience, digital inequality and the last-resort caution are always there', () => {
    expect(keys(prompts)).toEqual(expect.arrayContaining(['lived-experience', 'digital-inequality', 'last-resort']));
    const text = prompts.map((p) => p.text).join('\n');
    expect(text).toMatch(/online and offline/);
    expect(text).toMatch(/digital inequality/i);
    expect(text).toMatch(/last resort and for as short a time as possible/);
  });
});

describe('prompts depend on the assessment', () => {
  it('when Sally is the assessment, then the prompts name every C the guide flags for her', () => {
    const prompts = promptsFor(SALLY);
    const named = new Set(prompts.flatMap((p) => p.cs));
    const text = prompts.map((p) => p.text).join('\n');
    for (const c of SALLY_CS) {
      expect(named.has(c)).toBe(true);
      expect(text).toContain(getC(c).shortTitle);
    }
    expect(keys(prompts)).toEqual(expect.arrayContaining(['pattern-disclosure-contact-conduct', 'impact']));
  });

  it('when contact is high with low resilience, then a prompt asks about the contact from the young person’s own perspective', () => {
    const prompts = promptsFor(ONE_HIGH);
    const contact = prompts.find((p) => p.key === 'c-contact' && p.stage === 'experience');
    expect(contact?.cs).toEqual(['contact']);
    expect(contact?.text).toMatch(/^Contact \(risk high, resilience low\): .*young person's own perspective/);
    expect(keys(prompts)).toContain('young-person-view-missing');
  });

  it('when every C is low, then no C-specific risk prompt is raised', () => {
    const prompts = promptsFor(ALL_LOW);
    expect(prompts.filter((p) => p.key.startsWith('c-') || p.key.startsWith('pattern-'))).toEqual([]);
    expect(keys(prompts)).toContain('strengths-identity');
  });

  it('when the offline triad is present, then analysis asks how it affects parenting capacity', () => {
    const prompts = promptsFor(MANY_HIGH_OFFLINE);
    expect(keys(prompts)).toContain('pattern-offline-combination');
  });

  it('when nothing was explored, then the experience stage asks what stood in the way', () => {
    const prompts = promptsFor(NOTHING_EXPLORED);
    expect(keys(prompts)).toContain('nothing-explored');
    expect(keys(prompts)).not.toContain('adult-centric');
  });

  it('when two assessments differ, then their prompts differ', () => {
    expect(promptsFor(SALLY).map((p) => p.text)).not.toEqual(promptsFor(ONE_HIGH).map((p) => p.text));
  });
});
