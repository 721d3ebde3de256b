import { z } from 'zod';
import { AGE_BANDS, AGE_BAND_LABELS, LIMITS, type AgeBand } from '../tencs/assessment.js';
import type { TogetherOutcome, TogetherView } from '../tencs/together.js';
import { parentWords, youngWords } from '../tencs/together-words.js';
import { C_IDS, getC, type CId } from '../tencs/ten-cs.js';
import { renderOutcome } from './assessment-cards.js';
import { CardRefData } from './assessment-actions.js';
import { CardTooLargeError, renderCard, type AdaptiveCardJson } from './render.js';

/**
 * The together view: one C at a time in the young person's words, for a screen shared with them.
 * Only our wording and the young person's and parent's own words are on it: never the practitioner's
 * fields, a judgement or the case reference. The data built here is the whole of what the card can show.
 */

/** The together buttons carry the usual card reference, always for a C (client-controlled: checked here, ownership by the lookup). */
export const TogetherRefData = CardRefData.extend({ step: z.enum(C_IDS) });

/** The consult card's "In a young person's words" and band buttons (client-controlled: known C and band only). */
export const ConsultTogetherActionData = z.object({ c: z.enum(C_IDS), band: z.enum(AGE_BANDS) });

/** My online world's buttons: the assessment, and the practitioner's picks as a bounded list. */
export const WorldData = z.object({ assessmentId: CardRefData.shape.assessmentId, picks: z.string().max(2000).optional() });

/** The band used when an assessment has no age band yet (the setup card asks for it first). */
export const DEFAULT_BAND: AgeBand = '11-13';

export const YOUNG_LABEL = 'What you say, in your own words';
export const PARENT_LABEL = 'What your parent or carer says';
export const READ_ALOUD = 'A grown-up can read these out loud, one at a time.';

function words(c: CId, band: AgeBand) {
  const young = youngWords(c, band);
  return {
    c,
    topicOf: `Topic ${getC(c).number} of 10`,
    title: young.title,
    intro: young.intro,
    questions: young.questions.map((q) => q.text),
    hasReadAloud: band === 'under-8',
    readAloud: READ_ALOUD,
  };
}

const NO_INPUTS = {
  hasInputs: false,
  hasParent: false,
  parentTitle: '',
  parentQuestions: [] as string[],
  youngLabel: YOUNG_LABEL,
  parentLabel: PARENT_LABEL,
  youngPlaceholder: '',
  maxChars: LIMITS.answerText,
  form: { youngPersonView: '', parentView: '' },
  hasSaved: false,
  saved: { youngPersonView: '', parentView: '' },
  others: [] as { title: string; value: string }[],
  nextC: '',
  ref: { assessmentId: '', rev: 0, step: '', mode: 'flow' },
  hasNotice: false,
  notice: '',
  hasErrors: false,
  errors: [] as string[],
};

/** The card data for a together view inside an assessment (exported for tests that inspect it). */
export function togetherData(v: TogetherView): object {
  const band = v.band ?? DEFAULT_BAND;
  const parent = parentWords(v.c);
  const at = C_IDS.indexOf(v.c);
  return {
    ...NO_INPUTS,
    ...words(v.c, band),
    hasInputs: true,
    isConsult: false,
    hasBands: false,
    bands: [],
    hasParent: v.withParent,
    parentTitle: `For your parent or carer: ${parent.title.toLowerCase()}`,
    parentQuestions: parent.questions.map((q) => q.text),
    youngPlaceholder: 'Say it your way. Your words go here.',
    form: { youngPersonView: v.form.youngPersonView, parentView: v.form.parentView },
    hasSaved: v.saved !== undefined,
    saved: v.saved ?? { youngPersonView: '', parentView: '' },
    others: C_IDS.filter((c) => c !== v.c).map((c) => ({ title: youngWords(c, band).title, value: c })),
    nextC: C_IDS[(at + 1) % C_IDS.length],
    ref: { assessmentId: v.ref.assessmentId, rev: v.ref.rev, step: v.c, mode: v.ref.mode },
    hasNotice: Boolean(v.notice),
    notice: v.notice ?? '',
    hasErrors: v.errors.length > 0,
    errors: v.errors,
  };
}

/** The together card for an assessment. */
export function renderTogether(v: TogetherView): AdaptiveCardJson {
  return renderCard('together', togetherData(v));
}

/** The together view's outcome as a card: the together card, or the practitioner's own card. */
export function renderTogetherOutcome(outcome: TogetherOutcome): AdaptiveCardJson {
  if (outcome.kind !== 'together') return renderOutcome(outcome.outcome);
  try {
    return renderTogether(outcome);
  } catch (error) {
    // Typed words always stay; the saved copy beside them is what gives way when both are long.
    if (!(error instanceof CardTooLargeError) || outcome.saved === undefined) throw error;
    return renderTogether({ ...outcome, saved: undefined, notice: SAVED_TOO_LONG_NOTICE });
  }
}

export const SAVED_TOO_LONG_NOTICE =
  'These words changed on another card or device since this one was opened. What you typed is still in the boxes; the saved words are too long to show beside them. Choose Save to keep what is in the boxes.';

/** From consult, with no assessment: the young person's words for a C and band, and nothing to save. */
export function renderConsultTogether(c: CId, band: AgeBand): AdaptiveCardJson {
  return renderCard('together', {
    ...NO_INPUTS,
    ...words(c, band),
    topicOf: `C${getC(c).number} ${getC(c).shortTitle} in a young person's words, age ${AGE_BAND_LABELS[band].toLowerCase()}. Nothing here is stored.`,
    isConsult: true,
    hasBands: true,
    bands: AGE_BANDS.filter((b) => b !== band).map((b) => ({ title: AGE_BAND_LABELS[b].replace(' (care leaver)', ''), value: b })),
  });
}
