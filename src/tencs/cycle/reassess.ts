import type { Assessment } from '../assessment.js';
import { C_IDS, type CId } from '../ten-cs.js';
import { ukDate } from '../uk-dates.js';

/** Why a reassessment cannot be started from this assessment. */
export class CannotReassessError extends Error {
  override readonly name = 'CannotReassessError';
}

export interface ReassessRequest {
  /** The id for the new assessment (from the activity, so a retried message makes the same one). */
  readonly id: string;
  readonly now: Date;
  /** The day of the new assessment, YYYY-MM-DD (the practitioner can change it on the set-up step). */
  readonly assessedOn: string;
}

/**
 * A new in-progress assessment of the same case, started from a completed one: every C answer and
 * judgement is carried over and marked with the day it was given until the practitioner confirms or
 * changes it. The earlier assessment is only read, never changed.
 */
export function startReassessment(previous: Assessment, request: ReassessRequest): Assessment {
  if (previous.status !== 'completed') throw new CannotReassessError('Only a completed assessment can be reassessed');
  if (!previous.setup) throw new CannotReassessError('The earlier assessment has no case reference');
  const givenOn = previous.setup.assessedOn;
  const carried: Record<string, string> = {};
  const answers: Assessment['answers'] = {};
  for (const id of C_IDS) {
    const answer = previous.answers[id];
    // C10's step also holds the composite answers (offline factors, analysis, impact): one mark covers both.
    if (!answer && !(id === 'composite' && previous.composite)) continue;
    if (answer) answers[id] = { ...answer };
    // An answer carried into the earlier assessment and never confirmed keeps its original day.
    carried[id] = previous.carried?.[id] ?? givenOn;
  }
  const at = request.now.toISOString();
  return {
    id: request.id,
    tenantId: previous.tenantId,
    ownerId: previous.ownerId,
    status: 'in-progress',
    // Cautions are shown again: a new session with the young person is a new conversation about consent.
    step: 'cautions',
    cautionsAcknowledged: false,
    setup: { ...previous.setup, participants: [...previous.setup.participants], assessedOn: request.assessedOn },
    answers,
    ...(previous.composite ? { composite: { ...previous.composite, offlineFactors: [...previous.composite.offlineFactors] } } : {}),
    rev: 0,
    stepRevs: {},
    createdAt: at,
    updatedAt: at,
    carried,
    previousId: previous.id,
  };
}

/** The assessment after the practitioner saved (confirmed or changed) this step: its carried mark is gone. */
export function clearCarried(a: Assessment, step: CId): Assessment {
  if (!a.carried || !(step in a.carried)) return a;
  const { [step]: _cleared, ...rest } = a.carried;
  return { ...a, carried: rest };
}

/** The day a step's answers were carried from, or undefined when they are the practitioner's own for this assessment. */
export function carriedFrom(a: Assessment, step: CId): string | undefined {
  return a.carried?.[step];
}

/** Steps whose carried answers still wait for the practitioner, in the order of the ten Cs. */
export function unconfirmedSteps(a: Assessment): CId[] {
  const marks = a.carried ?? {};
  return C_IDS.filter((s) => s in marks);
}

/**
 * Data for the c-step card's carried hint: `carriedHint` is empty when nothing is carried, so the
 * card's `$when` hides the block.
 */
export function carriedCardData(a: Assessment, step: CId): { hasCarried: boolean; carriedHint: string } {
  const day = carriedFrom(a, step);
  return { hasCarried: day !== undefined, carriedHint: day ? `From the assessment of ${ukDate(day)}: confirm or change` : '' };
}

/** The columns `reassess CASE-REF` needs from "my assessments" (or the case index). */
export interface CaseListingRow {
  readonly id: string;
  readonly caseRef: string | undefined;
  readonly status: 'in-progress' | 'completed';
  readonly completedAt: string | undefined;
}

/**
 * Which assessment `reassess CASE-REF` starts from: the owner's most recently completed one for that
 * case reference (compared without regard to case). Undefined when there is none, or when an
 * assessment of the case is already in progress, so a second reassessment is not started by accident.
 */
export function reassessFrom(rows: readonly CaseListingRow[], caseRef: string): { from: CaseListingRow } | { inProgress: CaseListingRow } | undefined {
  const key = caseRef.trim().toLowerCase();
  const mine = rows.filter((r) => r.caseRef?.trim().toLowerCase() === key);
  const open = mine.find((r) => r.status === 'in-progress');
  if (open) return { inProgress: open };
  const done = mine.filter((r) => r.status === 'completed' && r.completedAt !== undefined).sort((a, b) => b.completedAt!.localeCompare(a.completedAt!));
  return done[0] ? { from: done[0] } : undefined;
}
