import type { AssessmentMeta, AssessmentStore, StoredAssessment } from './ports.js';
import { assessmentIdFor } from './assessment.js';
import { ConflictError, NotFoundError, StorageUnavailableError } from './errors.js';
import { isCStep, nextStep, previousStep, type Assessment, type Step } from './assessment.js';
import { clearCarried } from './cycle/reassess.js';
import type { Owner } from './owner.js';
import { applyValue, checkForm, isFormStep, readForm, sameAsStored, type FormStep, type FormValues } from './step-forms.js';

/** Where a card was opened from: the guided flow, or an Edit on the review card (which returns there). */
export type Mode = 'flow' | 'review';

/** What every assessment card carries back in its action data. */
export interface CardRef {
  readonly assessmentId: string;
  readonly rev: number;
  readonly step: Step;
  readonly mode: Mode;
}

/** The buttons on a step card. */
export type StepAction = 'next' | 'back' | 'skip' | 'later';

/** What the practitioner should see next; the bot layer turns each kind into a card. */
/** Present on an outcome that followed a write: when the assessment had last changed before it. */
export interface Wrote {
  readonly previousUpdatedAt: string;
}

export type Outcome =
  | { readonly kind: 'show'; readonly assessment: Assessment; readonly step: Step; readonly mode: Mode; readonly notice?: string; readonly wrote?: Wrote }
  | {
      readonly kind: 'retry';
      readonly reason: 'invalid' | 'not-saved' | 'completed';
      readonly ref: CardRef;
      readonly assessment: Assessment | undefined;
      readonly form: FormValues;
      readonly errors: readonly string[];
    }
  | {
      readonly kind: 'conflict';
      readonly assessment: Assessment;
      readonly step: FormStep;
      readonly mode: Mode;
      readonly action: StepAction;
      readonly mine: FormValues;
    }
  | { readonly kind: 'saved'; readonly assessment: Assessment; readonly wrote?: Wrote }
  | { readonly kind: 'completed'; readonly assessment: Assessment };

/** The activity that asked for a new assessment; its id makes a retried "start" find the first one. */
export interface StartRequest {
  readonly activityId: string;
  readonly at: Date;
}

export const NOT_SAVED_MESSAGE = "This wasn't saved: I couldn't reach storage just now. Your text is still here. Please try again in a moment.";
export const COMPLETED_MESSAGE = 'This assessment has already been completed, so this change was not saved. Your text is still here if you want to copy it.';
export const CHANGED_BEFORE_COMPLETE = 'This assessment changed on another device since you opened the review. Please check it below, then complete it.';
export const SETUP_NEEDED = 'Please add the case reference and the other details before completing the assessment.';

/** How many times a write that lost an ETag race is re-decided before the practitioner is asked to choose. */
const WRITE_ATTEMPTS = 3;

/** The guided assessment: every rule about moving between steps and saving answers, with no SDK in sight. */
export class AssessmentService {
  constructor(
    private readonly repository: AssessmentStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts an assessment for this owner; the same activity delivered twice gives the same assessment. */
  async start(owner: Owner, request: StartRequest): Promise<Assessment> {
    const at = this.now().toISOString();
    const assessment: Assessment = {
      id: assessmentIdFor(request.activityId, request.at),
      tenantId: owner.tenantId,
      ownerId: owner.aadObjectId,
      status: 'in-progress',
      step: 'cautions',
      cautionsAcknowledged: false,
      answers: {},
      rev: 0,
      stepRevs: {},
      createdAt: at,
      updatedAt: at,
    };
    try {
      return (await this.repository.create(assessment)).assessment;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // The id is derived from the activity inside the owner's partition: a 409 is our own earlier write.
      return (await this.getOwned(owner, assessment.id)).assessment;
    }
  }

  /** Reads an assessment the owner has; throws NotFoundError for anything else, including other people's. */
  async getOwned(owner: Owner, id: string): Promise<StoredAssessment> {
    const stored = await this.repository.get(owner, id);
    if (!stored) throw new NotFoundError('No such assessment for this owner');
    return stored;
  }

  /** The owner's assessments, newest first. */
  async listForOwner(owner: Owner, top = 20): Promise<AssessmentMeta[]> {
    return this.repository.listForOwner(owner, top);
  }

  /** The unfinished assessment the owner touched last, if any. */
  async latestUnfinished(owner: Owner): Promise<AssessmentMeta | undefined> {
    // Only unfinished ones, however many completed ones are newer; the most recently touched wins.
    const list = await this.repository.listForOwner(owner, 100, 'in-progress');
    return [...list].sort((x, y) => y.updatedAt.localeCompare(x.updatedAt))[0];
  }

  /** Opens an assessment where it stopped (or its completed view). */
  async open(owner: Owner, id: string): Promise<Outcome> {
    const { assessment } = await this.getOwned(owner, id);
    return this.showCurrent(assessment);
  }

  /** Records that the practitioner read the cautions, then moves to setup. */
  async acknowledgeCautions(owner: Owner, ref: CardRef): Promise<Outcome> {
    return this.writeLoop(owner, ref, {}, (a) => {
      if (a.status === 'completed') return { done: { kind: 'completed', assessment: a } };
      if (a.cautionsAcknowledged) return { done: { kind: 'show', assessment: a, step: a.step === 'cautions' ? 'setup' : a.step, mode: 'flow' } };
      return {
        write: { ...a, cautionsAcknowledged: true, step: 'setup' },
        then: (saved) => ({ kind: 'show', assessment: saved, step: 'setup', mode: 'flow' }),
      };
    });
  }

  /** Saves a step's answers and moves as the button asked; every answer is written before the next card. */
  async submitStep(owner: Owner, ref: CardRef, action: StepAction, data: Record<string, unknown>): Promise<Outcome> {
    const step = ref.step;
    if (!isFormStep(step)) {
      // Only "finish later" comes from a card without answers (the review); there is nothing to write.
      if (action !== 'later') throw new Error(`Step ${step} has no answers to submit`);
      const { assessment } = await this.getOwned(owner, ref.assessmentId);
      return assessment.status === 'completed' ? { kind: 'completed', assessment } : { kind: 'saved', assessment };
    }
    const form = readForm(step, data);
    return this.writeLoop(
      owner,
      ref,
      form,
      (a) => {
        const storedAnswer = step === 'setup' ? undefined : a.answers[step];
        const skipped = action === 'skip' ? true : action === 'next' ? false : (storedAnswer?.skipped ?? false);
        const check = checkForm(step, form, skipped);
        if (!check.ok) return { done: { kind: 'retry', reason: 'invalid', ref, assessment: a, form, errors: check.errors } };

        const unchanged = sameAsStored(a, check.value);
        const fresh = ref.rev === a.rev;
        if (a.status === 'completed') {
          return {
            done: unchanged
              ? { kind: 'completed', assessment: a }
              : { kind: 'retry', reason: 'completed', ref, assessment: a, form, errors: [COMPLETED_MESSAGE] },
          };
        }
        const target =
          ref.mode === 'review' && action !== 'later' ? 'review' : action === 'back' ? previousStep(step) : action === 'later' ? step : nextStep(step);
        const pointer = ref.mode === 'review' ? a.step : target;
        const outcome = (saved: Assessment): Outcome =>
          action === 'later'
            ? { kind: 'saved', assessment: saved }
            : { kind: 'show', assessment: saved, step: target, mode: ref.mode === 'review' ? 'review' : 'flow' };

        if (unchanged) {
          // Saving carried answers unchanged is the practitioner confirming them: the mark goes.
          if (isCStep(step) && a.carried?.[step] !== undefined) return { write: clearCarried({ ...a, step: pointer }, step), then: outcome };
          // A stale card with what is already stored is the same submit delivered again: answer, write nothing.
          if (!fresh || a.step === pointer) return { done: outcome(a) };
          return { write: { ...a, step: pointer }, then: outcome };
        }
        if ((a.stepRevs[step] ?? 0) > ref.rev) {
          return { done: { kind: 'conflict', assessment: a, step, mode: ref.mode, action, mine: form } };
        }
        const applied = applyValue(a, check.value);
        const written = { ...applied, step: pointer, stepRevs: { ...a.stepRevs, [step]: a.rev + 1 } };
        return { write: isCStep(step) ? clearCarried(written, step) : written, then: outcome };
      },
      action,
    );
  }

  /** Opens one step from the review card; saving it returns to the review. */
  async edit(owner: Owner, ref: CardRef, target: FormStep): Promise<Outcome> {
    const { assessment } = await this.getOwned(owner, ref.assessmentId);
    if (assessment.status === 'completed') return { kind: 'completed', assessment };
    return { kind: 'show', assessment, step: target, mode: 'review' };
  }

  /** Shows the stored answer for a step (the "keep the saved version" choice on a conflict). */
  async showStep(owner: Owner, ref: CardRef): Promise<Outcome> {
    const { assessment } = await this.getOwned(owner, ref.assessmentId);
    if (assessment.status === 'completed') return { kind: 'completed', assessment };
    return { kind: 'show', assessment, step: ref.step, mode: ref.mode };
  }

  /** Marks the assessment complete, if the review the practitioner confirmed is still current. */
  async complete(owner: Owner, ref: CardRef): Promise<Outcome> {
    return this.writeLoop(owner, ref, {}, (a) => {
      if (a.status === 'completed') return { done: { kind: 'completed', assessment: a } };
      if (!a.setup) return { done: { kind: 'show', assessment: a, step: 'setup', mode: 'flow', notice: SETUP_NEEDED } };
      if (ref.rev !== a.rev) return { done: { kind: 'show', assessment: a, step: 'review', mode: 'flow', notice: CHANGED_BEFORE_COMPLETE } };
      const at = this.now().toISOString();
      return { write: { ...a, status: 'completed', step: 'complete', completedAt: at }, then: (saved) => ({ kind: 'completed', assessment: saved }) };
    });
  }

  /** The card for where an assessment stopped. */
  showCurrent(a: Assessment): Outcome {
    if (a.status === 'completed') return { kind: 'completed', assessment: a };
    return { kind: 'show', assessment: a, step: a.step, mode: 'flow' };
  }

  /**
   * The same read-decide-write loop every card uses, for domain modules with their own saving rules
   * (the together view): one read and one write per attempt, a lost race decided again.
   */
  async update(owner: Owner, ref: CardRef, form: FormValues, decide: (a: Assessment) => Decision): Promise<Outcome> {
    return this.writeLoop(owner, ref, form, decide);
  }

  /**
   * Reads, decides and writes with the ETag read. A lost race (412) is decided again on a fresh read,
   * which also recognises our own write when a response was lost after it committed.
   */
  private async writeLoop(owner: Owner, ref: CardRef, form: FormValues, decide: (a: Assessment) => Decision, action: StepAction = 'next'): Promise<Outcome> {
    let last: Assessment | undefined;
    try {
      for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
        const { assessment, etag } = await this.getOwned(owner, ref.assessmentId);
        last = assessment;
        const decision = decide(assessment);
        if ('done' in decision) return decision.done;
        const saved: Assessment = { ...decision.write, rev: assessment.rev + 1, updatedAt: this.now().toISOString() };
        try {
          await this.repository.replace(saved, etag);
          const outcome = decision.then(saved);
          return outcome.kind === 'show' || outcome.kind === 'saved' ? { ...outcome, wrote: { previousUpdatedAt: assessment.updatedAt } } : outcome;
        } catch (error) {
          if (!(error instanceof ConflictError)) throw error;
        }
      }
      // Still losing races after several fresh reads: let the practitioner choose against the latest.
      const latest = (await this.getOwned(owner, ref.assessmentId)).assessment;
      if (isFormStep(ref.step)) return { kind: 'conflict', assessment: latest, step: ref.step, mode: ref.mode, action, mine: form };
      return this.showCurrent(latest);
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        return { kind: 'retry', reason: 'not-saved', ref, assessment: last, form, errors: [NOT_SAVED_MESSAGE] };
      }
      throw error;
    }
  }
}

export type Decision = { readonly done: Outcome } | { readonly write: Assessment; readonly then: (saved: Assessment) => Outcome };
