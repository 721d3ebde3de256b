/** The dates of one of a case's assessments that retention looks at. */
export interface CaseAssessmentDates {
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CaseRetentionInput {
  /** Every assessment of the case (one owner's case reference), in any order. */
  readonly assessments: readonly CaseAssessmentDates[];
  /** When the owner last chose "keep": the case is kept at least until this instant. */
  readonly keptUntil?: string;
  /** When the owner was warned about the deletion now planned, if they were. */
  readonly warnedAt?: string;
  readonly now: Date;
  readonly retentionDays: number;
  readonly warningDays: number;
}

export type CaseRetentionDecision =
  | { readonly action: 'keep'; readonly deleteAfter: string }
  | { readonly action: 'warn'; readonly deleteAfter: string; readonly warningKey: string }
  | { readonly action: 'delete'; readonly deleteAfter: string };

const DAY = 86_400_000;
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

/**
 * When a case's assessments may go: the retention period counted from the latest activity on any
 * assessment of the case (or a "keep" the owner chose, if later). The owner is warned `warningDays`
 * before; nothing is deleted until a warning has stood for that long, so a missed warning delays the
 * deletion rather than skipping the warning.
 */
export function caseRetention(input: CaseRetentionInput): CaseRetentionDecision {
  if (input.assessments.length === 0) throw new Error('A case with no assessment has nothing to retain');
  const latest = input.assessments.map((a) => (a.updatedAt > a.createdAt ? a.updatedAt : a.createdAt)).reduce((x, y) => (y > x ? y : x));
  const byActivity = plusDays(latest, input.retentionDays);
  const deleteAfter = input.keptUntil && input.keptUntil > byActivity ? input.keptUntil : byActivity;
  const now = input.now.toISOString();
  const warnFrom = plusDays(deleteAfter, -input.warningDays);
  if (now < warnFrom) return { action: 'keep', deleteAfter };
  // A warning about an earlier plan (before a keep or new activity moved the date) does not count.
  const warned = input.warnedAt !== undefined && input.warnedAt >= warnFrom;
  if (warned && now >= deleteAfter && now >= plusDays(input.warnedAt, input.warningDays)) return { action: 'delete', deleteAfter };
  return warned ? { action: 'keep', deleteAfter } : { action: 'warn', deleteAfter, warningKey: `retention|${deleteAfter.slice(0, 10)}` };
}

/** The owner chose to keep the case: it is kept for another full period from now (record it in the audit trail as 'kept'). */
export function keepCase(now: Date, retentionDays: number): string {
  return plusDays(now.toISOString(), retentionDays);
}
