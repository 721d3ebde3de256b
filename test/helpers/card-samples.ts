import { renderListCard, renderNoticeCard, renderOutcome, renderSavedCard, renderCompletedCard, renderStepCard } from '../../src/cards/assessment-cards.js';
import { cautionsData, changesData, consultCData, consultListData, practiceExampleData, standardsData } from '../../src/cards/consult-data.js';
import { renderCard, type AdaptiveCardJson } from '../../src/cards/render.js';
import { renderSummaryCard } from '../../src/cards/summary-data.js';
import { LIMITS, type Assessment, type Step } from '../../src/tencs/assessment.js';
import type { Mode } from '../../src/tencs/assessment-service.js';
import { PRACTICE_EXAMPLE } from '../../src/tencs/consult.js';
import { formFromAssessment, type FormStep } from '../../src/tencs/step-forms.js';
import { summarise } from '../../src/tencs/summary.js';
import { supervisionPrompts } from '../../src/tencs/supervision-prompts.js';
import { C_IDS, TEN_CS, getC } from '../../src/tencs/ten-cs.js';
import { atLimits } from '../fixtures/assessments.js';

const ID = '8276543210987-abcdefghijkl';

/** An in-progress assessment with every text field at its limit (in `char`), the given step current. */
export function inProgressAtLimits(step: Step = 'review', char = 'x'): Assessment {
  const { completedAt: _done, ...a } = atLimits(char);
  return {
    ...a,
    id: ID,
    status: 'in-progress',
    step,
    setup: { ...a.setup!, participantsOther: char.repeat(LIMITS.otherText), participants: ['young-person', 'parent-carer', 'other-family', 'professional'] },
  };
}

const ERRORS = ['Case reference can only use letters, digits and dashes (no spaces, no names).', 'Strengths and protective factors can be at most 2000 characters. It is 2001 now; please shorten it (your text is still in the box).'];

function stepCards(a: Assessment, step: Step): AdaptiveCardJson[] {
  return (['flow', 'review'] as Mode[]).flatMap((mode) => [
    renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step, mode }, assessment: a }),
    renderStepCard({ ref: { assessmentId: a.id, rev: a.rev, step, mode }, assessment: a, errors: ERRORS, notice: 'A notice in our words.' }),
  ]);
}

/** A conflict where every field differs and both sides are at their limits. */
function conflictCard(step: FormStep, char = 'x'): AdaptiveCardJson {
  const stored = inProgressAtLimits(step, char);
  const mineFrom = inProgressAtLimits(step, char === 'x' ? 'y' : char);
  const mine = formFromAssessment(mineFrom, step);
  if (step !== 'setup') Object.assign(mine, { risk: 'low', resilience: 'low', offlineFactors: step === 'composite' ? 'neglect' : '' });
  return renderOutcome({ kind: 'conflict', assessment: stored, step, mode: 'flow', action: 'next', mine });
}

/**
 * Sample renderings of every template in cards/, with every text field at its limit where the card
 * shows practitioners' text. A template missing here fails the card tests: add its samples.
 */
export const CARD_SAMPLES: Readonly<Record<string, () => AdaptiveCardJson[]>> = {
  welcome: () => [renderCard('welcome', {})],
  cautions: () => stepCards(inProgressAtLimits('cautions'), 'cautions'),
  setup: () => stepCards(inProgressAtLimits('setup'), 'setup'),
  'c-step': () => C_IDS.filter((id) => id !== 'composite').flatMap((id) => stepCards(inProgressAtLimits(id), id)),
  'composite-step': () => [...stepCards(inProgressAtLimits('composite'), 'composite'), ...stepCards({ ...inProgressAtLimits('composite'), answers: {} }, 'composite')],
  review: () => stepCards(inProgressAtLimits('review'), 'review'),
  completed: () => [renderCompletedCard({ ...atLimits(), id: ID })],
  saved: () => [renderSavedCard(inProgressAtLimits('contact')), renderSavedCard({ ...inProgressAtLimits('setup'), setup: undefined })],
  'my-assessments': () => [
    renderListCard([]),
    renderListCard(
      Array.from({ length: 10 }, (_, i) => ({
        id: ID,
        caseRef: i === 0 ? undefined : 'R'.repeat(LIMITS.caseRef),
        status: i % 2 ? 'completed' : 'in-progress',
        step: i % 2 ? 'complete' : 'contact',
        rev: 3,
        createdAt: '2024-05-01T10:00:00.000Z',
        updatedAt: '2024-05-02T11:12:13.456Z',
        completedAt: undefined,
      })),
    ),
  ],
  notice: () => [renderNoticeCard('A title', 'A message in our own words.')],
  conflict: () => [conflictCard('setup'), ...C_IDS.map((id) => conflictCard(id))],
  'consult-list': () => [renderCard('consult-list', consultListData()), renderCard('consult-list', consultListData({ query: 'q'.repeat(200), suggestions: [getC('contact')] }))],
  'consult-c': () => TEN_CS.map((c) => renderCard('consult-c', consultCData(c))),
  'consult-cautions': () => [renderCard('consult-cautions', cautionsData())],
  'consult-changes': () => [renderCard('consult-changes', changesData())],
  'consult-standards': () => [renderCard('consult-standards', standardsData())],
  'consult-practice-example': () => Array.from({ length: PRACTICE_EXAMPLE.steps.length + 1 }, (_, i) => renderCard('consult-practice-example', practiceExampleData(i))),
  summary: () => {
    const s = summarise(atLimits());
    return [renderSummaryCard(s, supervisionPrompts(s), { kind: 'preview', assessmentId: ID })];
  },
};

export { conflictCard };
