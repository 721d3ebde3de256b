import { AGE_BANDS, EMPTY_ANSWER, LIMITS, isCStep, type AgeBand, type Assessment, type CAnswer } from './assessment.js';
import { COMPLETED_MESSAGE, NOT_SAVED_MESSAGE, type AssessmentService, type CardRef, type Mode, type Outcome } from './assessment-service.js';
import type { Owner } from './owner.js';
import { alwaysShownFields, isBlankAnswer, type FormValues } from './step-forms.js';
import { C_IDS, type CId } from './ten-cs.js';

/**
 * Doing a C together with the young person (and their parent or carer): what the together view saves
 * and how. Only two things are written, both into the C's own answer: the young person's view and,
 * when a parent or carer took part, the parent's view. Everything else the practitioner recorded is
 * kept as it is and never shown on the together view.
 */

/** What the together view sends back: the young person's words, and the parent's when their box was there. */
export interface TogetherForm {
  readonly youngPersonView: string;
  /** Absent when the card had no parent box: the stored parent's view is then kept. */
  readonly parentView?: string;
}

export const TOGETHER_FIELDS = { youngPersonView: "The young person's words", parentView: "The parent or carer's words" } as const;

export const TOGETHER_CONFLICT_NOTICE =
  'These words changed on another card or device since this one was opened. What you typed is still in the boxes; what is saved now is shown underneath. Choose Save to keep what is in the boxes.';

/** Reads the together inputs from card data (client-controlled): strings only, anything else is empty. */
export function readTogether(data: Record<string, unknown>): TogetherForm {
  const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  return 'parentView' in data
    ? { youngPersonView: str(data.youngPersonView), parentView: str(data.parentView) }
    : { youngPersonView: str(data.youngPersonView) };
}

/** What the stored answer for this C says in the together view's two boxes. */
export function storedTogether(a: Assessment, c: CId): Required<TogetherForm> {
  const answer = a.answers[c];
  return { youngPersonView: answer?.youngPersonView ?? '', parentView: answer?.parentView ?? '' };
}

export type TogetherDecision =
  | { readonly kind: 'write'; readonly assessment: Assessment }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict'; readonly saved: Required<TogetherForm> }
  | { readonly kind: 'completed'; readonly changed: boolean }
  | { readonly kind: 'invalid'; readonly errors: readonly string[] };

/**
 * The together view's saving rules, the same as every card's: nothing changed writes nothing (a
 * repeated submit is answered, not written); a card older than this C's last write is a conflict;
 * a completed assessment is never changed. Returns the assessment to write (the caller stamps rev).
 */
export function applyTogether(stored: Assessment, ref: { readonly rev: number }, c: CId, form: TogetherForm): TogetherDecision {
  const errors: string[] = [];
  for (const key of ['youngPersonView', 'parentView'] as const) {
    const value = form[key];
    if (value !== undefined && value.length > LIMITS.answerText) {
      errors.push(
        `${TOGETHER_FIELDS[key]} can be at most ${LIMITS.answerText} characters. It is ${value.length} now; please shorten it (the words are still in the box).`,
      );
    }
  }
  if (errors.length > 0) return { kind: 'invalid', errors };

  const saved = storedTogether(stored, c);
  const next = { youngPersonView: form.youngPersonView, parentView: form.parentView ?? saved.parentView };
  const changed = next.youngPersonView !== saved.youngPersonView || next.parentView !== saved.parentView;
  if (stored.status === 'completed') return { kind: 'completed', changed };
  if (!changed) return { kind: 'unchanged' };
  if ((stored.stepRevs[c] ?? 0) > ref.rev) return { kind: 'conflict', saved };

  const answer: CAnswer = { ...(stored.answers[c] ?? EMPTY_ANSWER), ...next };
  const answers = { ...stored.answers };
  if (isBlankAnswer(answer)) delete answers[c];
  else answers[c] = answer;
  return { kind: 'write', assessment: { ...stored, answers, stepRevs: { ...stored.stepRevs, [c]: stored.rev + 1 } } };
}

/** Where to go after saving: stay on this C, another C, or back to the practitioner's own card. */
export type TogetherGo = 'stay' | 'practitioner' | CId;

/** Where "Save & go to topic" goes: the chosen C (client-controlled: only a known C), else stay. */
export function goToOf(data: Record<string, unknown>): TogetherGo {
  const wanted = data.goTo;
  return typeof wanted === 'string' && (C_IDS as readonly string[]).includes(wanted) ? (wanted as CId) : 'stay';
}

/** Everything the together card needs; no practitioner field, judgement or case reference is in it. */
export interface TogetherView {
  readonly kind: 'together';
  readonly ref: CardRef;
  readonly c: CId;
  readonly band: AgeBand | undefined;
  readonly withParent: boolean;
  readonly form: Required<TogetherForm>;
  readonly errors: readonly string[];
  readonly notice?: string;
  /** On a conflict: what is saved now, shown under the boxes that keep what was typed. */
  readonly saved?: Required<TogetherForm>;
}

/** The together view, or the practitioner's own card (an assessment Outcome) to show instead. */
export type TogetherOutcome = TogetherView | { readonly kind: 'step'; readonly outcome: Outcome };

const refFor = (a: Assessment, c: CId, mode: Mode): CardRef => ({ assessmentId: a.id, rev: a.rev, step: c, mode });
const bandOf = (a: Assessment | undefined): AgeBand | undefined => (a?.setup?.ageBand && AGE_BANDS.includes(a.setup.ageBand) ? a.setup.ageBand : undefined);
const parentThere = (a: Assessment | undefined): boolean => a?.setup?.participants.includes('parent-carer') ?? false;

function view(a: Assessment, c: CId, mode: Mode, extra: Partial<Pick<TogetherView, 'form' | 'errors' | 'notice' | 'saved'>> = {}): TogetherView {
  return { kind: 'together', ref: refFor(a, c, mode), c, band: bandOf(a), withParent: parentThere(a), form: storedTogether(a, c), errors: [], ...extra };
}

const withForm = (form: TogetherForm, fallback: Required<TogetherForm>): Required<TogetherForm> => ({
  youngPersonView: form.youngPersonView,
  parentView: form.parentView ?? fallback.parentView,
});

/**
 * Whether a together.open came from the practitioner's own card, whose inputs are then saved first. Either
 * every input the card always shows is in the data, or the button says its card holds them
 * (`fromCard`): some clients (the Agents Playground) leave empty inputs out of the data, and those are
 * then read as empty, exactly as "Save & next" on the same card reads them. Client-controlled, and
 * harmless: the most it can do is what the owner's own "Save & finish later" on that card does.
 */
export function fromInputsCard(c: CId, data: Record<string, unknown>): boolean {
  return data.fromCard === true || data.fromCard === 'true' || alwaysShownFields(c).every((f) => f.id in data);
}

/** The together view over the assessment service: its reads and its one save path. */
export class TogetherService {
  constructor(private readonly assessments: AssessmentService) {}

  /** Opens the together view for a C, reading only (from the review, a list, or a card without the practitioner's inputs). */
  async open(owner: Owner, ref: CardRef, c: CId): Promise<TogetherOutcome> {
    const { assessment } = await this.assessments.getOwned(owner, ref.assessmentId);
    if (assessment.status === 'completed') return { kind: 'step', outcome: { kind: 'completed', assessment } };
    return view(assessment, c, ref.mode);
  }

  /**
   * From the practitioner's own card: saves what is typed there first (as "finish later" does, so
   * nothing is lost), then opens the together view for the same C. Without every practitioner input in
   * the data, it only opens, so a card that lacks them can never blank the practitioner's answers.
   */
  async openFromStep(owner: Owner, ref: CardRef, data: Record<string, unknown>): Promise<TogetherOutcome> {
    if (!isCStep(ref.step)) throw new Error(`Step ${ref.step} is not a C`);
    const c = ref.step;
    if (!fromInputsCard(c, data)) return this.open(owner, ref, c);
    const outcome = await this.assessments.submitStep(owner, ref, 'later', data);
    if (outcome.kind !== 'saved') return { kind: 'step', outcome };
    return view(outcome.assessment, c, ref.mode);
  }

  /** Saves the together view's words into this C, then goes where the button asked. */
  async submit(owner: Owner, ref: CardRef, data: Record<string, unknown>, go: TogetherGo): Promise<TogetherOutcome> {
    if (!isCStep(ref.step)) throw new Error(`Step ${ref.step} is not a C`);
    const c = ref.step;
    const form = readTogether(data);
    const formValues: FormValues = { youngPersonView: form.youngPersonView, ...(form.parentView === undefined ? {} : { parentView: form.parentView }) };
    let special: TogetherOutcome | undefined;
    const outcome = await this.assessments.update(owner, ref, formValues, (a) => {
      special = undefined;
      const show: Outcome = { kind: 'show', assessment: a, step: c, mode: ref.mode };
      const decision = applyTogether(a, ref, c, form);
      switch (decision.kind) {
        case 'invalid':
          special = { ...view(a, c, ref.mode, { form: withForm(form, storedTogether(a, c)), errors: decision.errors }), ref };
          return { done: show };
        case 'completed':
          if (!decision.changed) return { done: { kind: 'completed', assessment: a } };
          special = { ...view(a, c, ref.mode, { form: withForm(form, storedTogether(a, c)), errors: [COMPLETED_MESSAGE] }), ref };
          return { done: show };
        case 'conflict':
          // The new card carries the current rev: Save on it keeps what was typed, knowingly.
          special = view(a, c, ref.mode, { form: withForm(form, decision.saved), saved: decision.saved, notice: TOGETHER_CONFLICT_NOTICE });
          return { done: show };
        case 'unchanged':
          return { done: show };
        case 'write':
          return { write: decision.assessment, then: (saved) => ({ kind: 'show', assessment: saved, step: c, mode: ref.mode }) };
      }
    });
    if (special) return special;
    switch (outcome.kind) {
      case 'show':
        if (go === 'practitioner') return { kind: 'step', outcome: { kind: 'show', assessment: outcome.assessment, step: c, mode: ref.mode } };
        return view(outcome.assessment, go === 'stay' ? c : go, ref.mode);
      case 'conflict': {
        const saved = storedTogether(outcome.assessment, c);
        return view(outcome.assessment, c, ref.mode, { form: withForm(form, saved), saved, notice: TOGETHER_CONFLICT_NOTICE });
      }
      case 'retry': {
        const a = outcome.assessment;
        const fallback = a ? storedTogether(a, c) : { youngPersonView: '', parentView: form.parentView ?? '' };
        return {
          kind: 'together',
          ref,
          c,
          band: bandOf(a),
          withParent: a ? parentThere(a) : form.parentView !== undefined,
          form: withForm(form, fallback),
          errors: outcome.errors.length > 0 ? outcome.errors : [NOT_SAVED_MESSAGE],
        };
      }
      default:
        return { kind: 'step', outcome };
    }
  }
}
