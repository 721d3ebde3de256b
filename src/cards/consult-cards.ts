import { z } from 'zod';
import { CAUTIONS, CHANGES, PRACTICE_EXAMPLE, STANDARDS, practiceSteps } from '../tencs/consult.js';
import { C_IDS, TEN_CS, TRIANGLE_DOMAIN_LABELS, type TenC } from '../tencs/ten-cs.js';

/** Card action data for "show this C": client-controlled, so only a known C id passes. */
export const ConsultCActionData = z.object({ c: z.enum(C_IDS) });

/** Card action data for one step of the practice example (0 is the introduction). */
export const PracticeStepActionData = z.object({
  step: z.coerce.number().int().min(0).max(PRACTICE_EXAMPLE.steps.length),
});

/** How much of an unrecognised name is echoed back: enough to spot a typo, never a pasted essay. */
export const MAX_ECHO_CHARS = 60;

const label = (c: TenC): string => `${c.number}. ${c.shortTitle}`;
const ref = (c: TenC) => ({ id: c.id, number: c.number, label: label(c), title: c.title });

/** Data for cards/consult-list.json; `unknown` carries a name that matched no C, shown only in a TextRun. */
export function consultListData(unknown?: { query: string; suggestions: readonly TenC[] }): object {
  const query = unknown ? [...unknown.query.trim()].slice(0, MAX_ECHO_CHARS).join('') : '';
  const clipped = unknown !== undefined && [...unknown.query.trim()].length > MAX_ECHO_CHARS;
  return {
    cs: TEN_CS.map(ref),
    hasUnknown: unknown !== undefined,
    query: clipped ? `${query}…` : query,
    suggestions: (unknown?.suggestions ?? []).map(ref),
    hasSuggestions: (unknown?.suggestions.length ?? 0) > 0,
    validNames: TEN_CS.map((c) => c.shortTitle).join(', '),
  };
}

/** Data for cards/consult-c.json: one C in full, with its neighbours for previous and next. */
export function consultCData(c: TenC): object {
  const previous = TEN_CS[c.number - 2];
  const next = TEN_CS[c.number];
  return {
    ...ref(c),
    meaning: c.meaning,
    questions: c.questions,
    strengths: c.strengthExamples,
    vulnerabilities: c.vulnerabilityExamples,
    explore: c.explore,
    triangle: c.triangle.map((d) => TRIANGLE_DOMAIN_LABELS[d]).join('; '),
    caution: c.caution ?? '',
    hasCaution: c.caution !== undefined,
    hasPrevious: previous !== undefined,
    previous: previous ? ref(previous) : { id: '', label: '' },
    hasNext: next !== undefined,
    next: next ? ref(next) : { id: '', label: '' },
  };
}

/** Data for cards/consult-cautions.json. */
export function cautionsData(): object {
  return { cautions: CAUTIONS.map((c) => ({ title: c.title, points: c.points })) };
}

/** Data for cards/consult-practice-example.json at `step` (0 is the introduction). */
export function practiceExampleData(step: number): object {
  const steps = practiceSteps();
  const current = step >= 1 ? steps[step - 1] : undefined;
  return {
    scenario: PRACTICE_EXAMPLE.scenario,
    purpose: PRACTICE_EXAMPLE.purpose,
    imageCaution: PRACTICE_EXAMPLE.imageCaution,
    order: steps.map((s) => s.detail.shortTitle).join(', '),
    isIntro: current === undefined,
    step,
    total: steps.length,
    // "C4 Content", not "4. Content": a TextBlock starting "4. " renders as a numbered list in Teams.
    c: current
      ? {
          ...ref(current.detail),
          shortTitle: current.detail.shortTitle,
          heading: `C${current.detail.number} ${current.detail.shortTitle}`,
          meaning: current.detail.meaning,
        }
      : { id: '', number: 0, label: '', title: '', shortTitle: '', heading: '', meaning: '' },
    prompts: current?.prompts ?? [],
    hasPrevious: step > 0,
    previousStep: Math.max(0, step - 1),
    hasNext: step < steps.length,
    nextStep: Math.min(steps.length, step + 1),
  };
}

/** Data for cards/consult-changes.json. */
export function changesData(): object {
  return { ...CHANGES, cs: TEN_CS.map((c) => c.shortTitle).join(', ') };
}

/** Data for cards/consult-standards.json. */
export function standardsData(): object {
  return STANDARDS;
}
