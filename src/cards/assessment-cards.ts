import {
  AGE_BAND_LABELS,
  LIMITS,
  OFFLINE_FACTOR_LABELS,
  PARTICIPANT_LABELS,
  RESILIENCE_LABELS,
  RISK_LABELS,
  SAFETY_FLAG_LABELS,
  HARM_FROM_LABELS,
  isCStep,
  type Assessment,
  type CAnswer,
  type Step,
} from '../tencs/assessment.js';
import type { AssessmentMeta } from '../tencs/ports.js';
import type { CardRef, Mode, Outcome } from '../tencs/assessment-service.js';
import {
  C_FIELDS,
  fieldsFor,
  triangleFieldId,
  firstLine,
  formFromAssessment,
  isFormStep,
  type FieldSpec,
  type FormStep,
  type FormValues,
} from '../tencs/step-forms.js';
import { C_IDS, TEN_CS, TRIANGLE_DOMAIN_LABELS, getC, type CId } from '../tencs/ten-cs.js';
import { ukDate } from '../tencs/uk-dates.js';
import { CardTooLargeError, renderCard, type AdaptiveCardJson } from './render.js';
import { carriedCardData } from '../tencs/cycle/reassess.js';

/** How much of each answer the review and completed cards show: a glance, never the whole text. */
export const GLANCE_CHARS = 80;

const choicesOf = (id: string): readonly { title: string; value: string }[] => C_FIELDS.find((f) => f.id === id)?.choices ?? [];

/** Adaptive Cards' DATE()/TIME() functions want RFC 3339 without fractions of a second. */
const cardTime = (iso: string | undefined): string => (iso ?? new Date(0).toISOString()).replace(/\.\d+Z$/, 'Z');

/** A short, human name for a step, e.g. "C5 Contact". */
export function stepLabel(step: Step): string {
  if (isCStep(step)) {
    const c = getC(step);
    return `C${c.number} ${c.shortTitle}`;
  }
  return { cautions: 'the cautions', setup: 'the assessment details', review: 'the review', complete: 'complete' }[step];
}

const refFor = (a: Assessment, step: Step, mode: Mode): CardRef => ({ assessmentId: a.id, rev: a.rev, step, mode });

interface StepView {
  readonly ref: CardRef;
  readonly assessment: Assessment | undefined;
  readonly form?: FormValues;
  readonly errors?: readonly string[];
  readonly notice?: string;
}

const common = (v: StepView) => ({
  ref: v.ref,
  errors: v.errors ?? [],
  hasErrors: (v.errors ?? []).length > 0,
  notice: v.notice ?? '',
  hasNotice: Boolean(v.notice),
  limits: LIMITS,
  isFlow: v.ref.mode === 'flow',
});

function cautionsCard(v: StepView): AdaptiveCardJson {
  return renderCard('cautions', common(v));
}

function setupCard(v: StepView): AdaptiveCardJson {
  const form = v.form ?? (v.assessment ? formFromAssessment(v.assessment, 'setup') : {});
  return renderCard('setup', {
    ...common(v),
    form: { caseRef: '', ageBand: '', participants: '', participantsOther: '', ...form, assessedOn: form.assessedOn || new Date().toISOString().slice(0, 10) },
    ageBands: Object.entries(AGE_BAND_LABELS).map(([value, title]) => ({ title, value })),
    participantChoices: Object.entries(PARTICIPANT_LABELS).map(([value, title]) => ({ title, value })),
    nextTitle: v.ref.mode === 'review' ? 'Save & back to review' : 'Save & next',
  });
}

function cData(id: CId) {
  const c = getC(id);
  return {
    number: c.number,
    title: c.title,
    meaning: c.meaning,
    questions: c.questions,
    strengthExamples: c.strengthExamples,
    vulnerabilityExamples: c.vulnerabilityExamples,
    explore: c.explore,
    triangle: c.triangle.map((d) => TRIANGLE_DOMAIN_LABELS[d]).join('; '),
    caution: c.caution ?? '',
    hasCaution: c.caution !== undefined,
  };
}

const emptyForm = (step: FormStep): FormValues => Object.fromEntries(fieldsFor(step).map((f) => [f.id, f.kind === 'choice' ? 'not-explored' : '']));

function cCard(v: StepView, id: CId): AdaptiveCardJson {
  const form = { ...emptyForm(id), ...(v.form ?? (v.assessment ? formFromAssessment(v.assessment, id) : {})) };
  const last = id === 'composite';
  const base = {
    ...common(v),
    c: cData(id),
    // Which young person this card is about, for a practitioner with several assessments open.
    caseRef: v.assessment?.setup?.caseRef ?? '',
    hasCaseRef: Boolean(v.assessment?.setup?.caseRef),
    // Answers carried from the last assessment say so until this C is saved (issue 16).
    ...(v.assessment ? carriedCardData(v.assessment, id) : { hasCarried: false, carriedHint: '' }),
    form,
    riskChoices: choicesOf('risk'),
    resilienceChoices: choicesOf('resilience'),
    nextTitle: v.ref.mode === 'review' ? 'Save & back to review' : last ? 'Save & review' : 'Save & next',
  };
  if (!last) return renderCard('c-step', base);
  // Each C of concern with its Triangle input, pre-filled from the form (the stored or suggested placement).
  const picture = (v.assessment ? compositePicture(v.assessment) : []).map((p) => ({
    ...p,
    label: shortPictureLine(v.assessment, p.id),
    triId: triangleFieldId(p.id),
    triValue: form[triangleFieldId(p.id)] ?? '',
  }));
  return renderCard('composite-step', {
    ...base,
    picture,
    hasPicture: picture.length > 0,
    offlineChoices: Object.entries(OFFLINE_FACTOR_LABELS).map(([value, title]) => ({ title, value })),
    safetyChoices: Object.entries(SAFETY_FLAG_LABELS).map(([value, title]) => ({ title, value })),
    harmFromChoices: Object.entries(HARM_FROM_LABELS).map(([value, title]) => ({ title, value })),
    domainChoices: fieldsFor('composite').find((f) => f.id === triangleFieldId('contact'))?.choices ?? [],
  });
}

/** "C5 Contact: risk high, resilience low", the label of a C's Triangle input on C10 (short, for the card's size). */
function shortPictureLine(a: Assessment | undefined, id: CId): string {
  const answer = a?.answers[id];
  const c = getC(id);
  return `C${c.number} ${c.shortTitle}: risk ${RISK_LABELS[answer?.risk ?? 'not-explored'].toLowerCase()}, resilience ${RESILIENCE_LABELS[answer?.resilience ?? 'not-explored'].toLowerCase()}`;
}

/** The Cs (other than C10) with medium or high risk of harm, or low resilience, in the guide's order. */
export function compositePicture(a: Assessment): { id: CId; label: string }[] {
  return C_IDS.filter((id) => id !== 'composite').flatMap((id) => {
    const answer = a.answers[id];
    if (!answer || answer.skipped) return [];
    const highRisk = answer.risk === 'medium' || answer.risk === 'high';
    const lowResilience = answer.resilience === 'low';
    if (!highRisk && !lowResilience) return [];
    const both = highRisk && lowResilience ? ' (both together)' : '';
    return [
      {
        id,
        label: `${stepLabel(id)}: risk of harm ${RISK_LABELS[answer.risk].toLowerCase()}, resilience ${RESILIENCE_LABELS[answer.resilience].toLowerCase()}${both}`,
      },
    ];
  });
}

function glanceOf(answer: CAnswer | undefined, hasCompositeAnswers: boolean): { status: string; statusColor: string } {
  if (!answer && !hasCompositeAnswers) return { status: 'Not started', statusColor: 'Default' };
  const risk = answer?.risk ?? 'not-explored';
  const resilience = answer?.resilience ?? 'not-explored';
  const judged = `Risk of harm: ${RISK_LABELS[risk]} · Resilience: ${RESILIENCE_LABELS[resilience]}`;
  const color = risk === 'high' || risk === 'medium' ? 'Attention' : 'Default';
  if (!answer?.skipped) return { status: judged, statusColor: color };
  const explored = risk !== 'not-explored' || resilience !== 'not-explored';
  return { status: explored ? `Skipped for now · ${judged}` : 'Skipped for now', statusColor: color };
}

/** Plan details and what was done stay on their own cards; the review shows the first next step only. */
const GLANCE_SKIPS: ReadonlySet<string> = new Set(['nextStepsWho', 'nextSteps2', 'nextSteps2Who', 'safetyDone']);

function glanceData(a: Assessment) {
  const setup = a.setup;
  const cs = TEN_CS.map((c) => {
    const answer = a.answers[c.id];
    const previews = (c.id === 'composite' ? [...fieldsFor('composite')] : [...C_FIELDS])
      .filter((f) => f.kind === 'text' && !GLANCE_SKIPS.has(f.id))
      .map((f) => ({ label: f.label, text: firstLine(formFromAssessment(a, c.id)[f.id] ?? '', GLANCE_CHARS) }))
      .filter((p) => p.text !== '');
    if (c.id === 'composite' && a.composite && a.composite.offlineFactors.length > 0) {
      previews.unshift({ label: 'Offline factors', text: a.composite.offlineFactors.map((f) => OFFLINE_FACTOR_LABELS[f]).join(', ') });
    }
    return { id: c.id, number: c.number, title: c.shortTitle, ...glanceOf(answer, c.id === 'composite' && a.composite !== undefined), previews };
  });
  const skipped = cs.filter((c) => c.status.startsWith('Skipped')).length;
  const notStarted = cs.filter((c) => c.status === 'Not started').length;
  const answered = cs.length - skipped - notStarted;
  return {
    caseRef: setup?.caseRef ?? 'not given yet',
    setupFacts: setup
      ? [
          `Age: ${AGE_BAND_LABELS[setup.ageBand]}`,
          `Took part: ${setup.participants.map((p) => PARTICIPANT_LABELS[p]).join(', ')}`,
          `Date of the conversation: ${ukDate(setup.assessedOn)}`,
        ]
      : ['The details have not been filled in yet.'],
    participantsOther: setup?.participantsOther ? firstLine(setup.participantsOther, GLANCE_CHARS) : '',
    hasParticipantsOther: Boolean(setup?.participantsOther),
    progress: [`${answered} of ${cs.length} Cs answered`, skipped > 0 ? `${skipped} skipped for now` : '', notStarted > 0 ? `${notStarted} not started` : '']
      .filter(Boolean)
      .join(' · '),
    cs,
  };
}

function reviewCard(a: Assessment, notice?: string, errors: readonly string[] = []): AdaptiveCardJson {
  return renderCard('review', { ...common({ ref: refFor(a, 'review', 'flow'), assessment: a, notice, errors }), ...glanceData(a) });
}

/**
 * The card for a completed assessment. Issue 4 (share with my team, copy for case record) adds its
 * actions to cards/completed.json and reads the same data.
 */
export function renderCompletedCard(a: Assessment): AdaptiveCardJson {
  return renderCard('completed', {
    assessmentId: a.id,
    completedAt: cardTime(a.completedAt),
    ...glanceData(a),
    // The case over time (issue 16): the review date, and Compare on a reassessment.
    isReassessment: a.previousId !== undefined,
    reviewOn: a.reviewOn ?? '',
    reviewText: a.reviewOn
      ? `Review date: ${ukDate(a.reviewOn)}. tencs reminds you in this chat on that day, in working hours.`
      : 'Choose a review date: tencs reminds you in this chat on that day, in working hours.',
  });
}

/** The card shown after "Save & finish later". */
export function renderSavedCard(a: Assessment): AdaptiveCardJson {
  return renderCard('saved', { assessmentId: a.id, caseRef: a.setup?.caseRef ?? '', hasCaseRef: Boolean(a.setup), stoppedAt: stepLabel(a.step) });
}

/** "My assessments": case reference, status, last change, and Resume or View. */
export function renderListCard(items: readonly AssessmentMeta[]): AdaptiveCardJson {
  return renderCard('my-assessments', {
    hasItems: items.length > 0,
    items: items.map((m) => ({
      id: m.id,
      caseRef: m.caseRef ?? '(no case reference yet)',
      statusText: m.status === 'completed' ? 'Completed' : `In progress, at ${stepLabel(m.step)}`,
      updatedAt: cardTime(m.updatedAt),
      actionTitle: m.status === 'completed' ? 'View' : 'Resume',
    })),
  });
}

/**
 * A short message card (our own words only) with a way on. Outside personal chat it offers only the
 * consultation: Start and My assessments there would only lead back to this notice.
 */
export function renderNoticeCard(title: string, message: string, where: { personal: boolean } = { personal: true }): AdaptiveCardJson {
  return renderCard('notice', { title, message, personal: where.personal });
}

/** The card for one step of the guided flow, with stored answers pre-filled unless a form is given. */
export function renderStepCard(v: StepView): AdaptiveCardJson {
  const step = v.ref.step;
  if (step === 'cautions') return cautionsCard(v);
  if (step === 'setup') return setupCard(v);
  if (isCStep(step)) return cCard(v, step);
  if (!v.assessment) throw new Error(`Step ${step} needs the assessment to render`);
  if (step === 'review') return reviewCard(v.assessment, v.notice, v.errors);
  return renderCompletedCard(v.assessment);
}

/** Inputs the conflict card carries in "Keep my version" instead of showing them again. */
const CONFLICT_CARRIED = (id: string): boolean => id.startsWith('tri-') || id === 'triangleConfirmed';

/** How much of a saved answer the conflict card shows, longest first, until the card fits. */
export const CONFLICT_PREVIEW_CHARS = [Infinity, 600, 200, 60] as const;

function displayValue(field: FieldSpec, value: string): string {
  if (field.kind === 'choice') return field.choices?.find((c) => c.value === value)?.title ?? value;
  if (field.kind === 'multi') {
    const titles = value
      .split(',')
      .filter(Boolean)
      .map((v) => field.choices?.find((c) => c.value === v)?.title ?? v);
    return titles.length > 0 ? titles.join(', ') : '(none chosen)';
  }
  return value === '' ? '(empty)' : value;
}

/** The conflict card: every input with the practitioner's own text, the saved version shown where it differs. */
export function renderConflictCard(outcome: Extract<Outcome, { kind: 'conflict' }>, previewChars = Infinity): AdaptiveCardJson {
  const { assessment: a, step, mine } = outcome;
  const saved = formFromAssessment(a, step);
  // The Triangle inputs ride along in the button's data rather than as inputs, so the card fits Teams' limit.
  const carried = Object.fromEntries(
    fieldsFor(step)
      .filter((f) => CONFLICT_CARRIED(f.id))
      .map((f) => [f.id, mine[f.id] ?? '']),
  );
  const fields = fieldsFor(step)
    .filter((f) => !CONFLICT_CARRIED(f.id))
    .map((f) => {
      const theirsFull = displayValue(f, saved[f.id] ?? '');
      const chars = [...theirsFull];
      const shortened = chars.length > previewChars;
      return {
        id: f.id,
        label: f.label,
        kind: f.kind,
        choices: f.choices ?? [],
        mine: mine[f.id] ?? '',
        differs: (mine[f.id] ?? '') !== (saved[f.id] ?? ''),
        // Each input needs its own name for screen readers, not seven inputs all called "Your version".
        inputLabel: (mine[f.id] ?? '') !== (saved[f.id] ?? '') ? `${f.label}: your version` : f.label,
        theirs: shortened ? `${chars.slice(0, previewChars).join('')}…` : theirsFull,
        theirsShortened: shortened,
      };
    });
  return renderCard('conflict', {
    ref: refFor(a, step, outcome.mode),
    action: outcome.action,
    stepTitle: step === 'setup' ? 'The assessment details' : stepLabel(step),
    fields,
    carried,
  });
}

/** The card for any outcome of the assessment service. */
export function renderOutcome(outcome: Outcome): AdaptiveCardJson {
  switch (outcome.kind) {
    case 'show':
      return renderStepCard({ ref: refFor(outcome.assessment, outcome.step, outcome.mode), assessment: outcome.assessment, notice: outcome.notice });
    case 'retry': {
      const step = outcome.ref.step;
      if (isFormStep(step) || step === 'cautions' || outcome.assessment) {
        return renderStepCard({ ref: outcome.ref, assessment: outcome.assessment, form: isFormStep(step) ? outcome.form : undefined, errors: outcome.errors });
      }
      return renderNoticeCard('Not saved yet', outcome.errors.join(' '));
    }
    case 'conflict': {
      for (const chars of CONFLICT_PREVIEW_CHARS) {
        try {
          return renderConflictCard(outcome, chars);
        } catch (error) {
          // Too large with the saved version in full: show less of it (the practitioner's own text is always whole).
          if (!(error instanceof CardTooLargeError)) throw error;
        }
      }
      return renderConflictCard(outcome, 0);
    }
    case 'saved':
      return renderSavedCard(outcome.assessment);
    case 'completed':
      return renderCompletedCard(outcome.assessment);
  }
}
