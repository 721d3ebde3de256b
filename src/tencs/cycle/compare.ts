import {
  OFFLINE_FACTOR_LABELS,
  RESILIENCE_LABELS,
  RISK_LABELS,
  type Assessment,
  type OfflineFactor,
  type ResilienceLevel,
  type RiskLevel,
} from '../assessment.js';
import { C_IDS, getC, type CId } from '../ten-cs.js';
import { ukDate } from '../uk-dates.js';

/** How many assessments the map over time shows side by side (the newest ones). */
export const MAX_COMPARED = 4;

/** A change in words, so it never depends on colour: the card and the case record use the same words. */
export type Change = 'higher' | 'lower' | 'same' | 'newly explored' | 'not explored this time' | 'not explored';

/** An action of the plan, before or after the plan has who and by when. */
export interface PlanAction {
  readonly what: string;
  readonly who?: string;
  /** YYYY-MM-DD. */
  readonly byWhen?: string;
}

const RISK_ORDER: readonly RiskLevel[] = ['none-evident', 'low', 'medium', 'high'];
const RESILIENCE_ORDER: readonly ResilienceLevel[] = ['low', 'some', 'strong'];

function changeOf<T extends string>(order: readonly T[], before: T | 'not-explored', after: T | 'not-explored'): Change {
  if (before === 'not-explored' && after === 'not-explored') return 'not explored';
  if (before === 'not-explored') return 'newly explored';
  if (after === 'not-explored') return 'not explored this time';
  const d = order.indexOf(after) - order.indexOf(before);
  return d > 0 ? 'higher' : d < 0 ? 'lower' : 'same';
}

/** The change in a C's risk between two assessments. */
export function riskChange(before: RiskLevel, after: RiskLevel): Change {
  return changeOf(RISK_ORDER, before, after);
}

/** The change in a C's resilience between two assessments. */
export function resilienceChange(before: ResilienceLevel, after: ResilienceLevel): Change {
  return changeOf(RESILIENCE_ORDER, before, after);
}

const riskOf = (a: Assessment, id: CId): RiskLevel => a.answers[id]?.risk ?? 'not-explored';
const resilienceOf = (a: Assessment, id: CId): ResilienceLevel => a.answers[id]?.resilience ?? 'not-explored';
const dayOf = (a: Assessment): string => a.setup?.assessedOn ?? a.createdAt.slice(0, 10);

/** Oldest first, by the day assessed, then by when it was started. */
export function inTimeOrder(assessments: readonly Assessment[]): Assessment[] {
  return [...assessments].sort((x, y) => dayOf(x).localeCompare(dayOf(y)) || x.createdAt.localeCompare(y.createdAt));
}

export interface ComparedCell {
  readonly date: string;
  readonly risk: string;
  readonly resilience: string;
  /** True when the answer was carried over and not yet confirmed in that assessment. */
  readonly carried: boolean;
}

export interface ComparedC {
  readonly number: number;
  readonly title: string;
  readonly cells: readonly ComparedCell[];
  /** Versus the assessment before the newest; undefined with only one assessment. */
  readonly riskChange: Change | undefined;
  readonly resilienceChange: Change | undefined;
}

export interface CaseComparison {
  readonly caseRef: string;
  readonly dates: readonly string[];
  readonly cs: readonly ComparedC[];
  /** Offline factors noted in the newest assessment and not in the one before. */
  readonly newOfflineFactors: readonly string[];
  /** Offline factors noted before and not in the newest. */
  readonly offlineFactorsNoLongerNoted: readonly string[];
  /** The earlier plan's actions whose date fell on or before the newest assessment. */
  readonly actionsDue: readonly PlanAction[];
  /** The same change in sentences, for the summary and the case record. */
  readonly changes: readonly string[];
}

/**
 * The map over time for one case: each C's risk and resilience at up to four of the newest
 * assessments, the change since the one before in words, new offline factors, and the actions of the
 * earlier plan that fell due. Callers pass only the case's own assessments (checked here).
 */
export function compareCase(assessments: readonly Assessment[], previousPlan: readonly PlanAction[] = []): CaseComparison {
  if (assessments.length === 0) throw new Error('Nothing to compare');
  const ordered = inTimeOrder(assessments).slice(-MAX_COMPARED);
  const caseRef = ordered[ordered.length - 1]!.setup?.caseRef ?? '';
  for (const a of ordered) {
    if ((a.setup?.caseRef ?? '').toLowerCase() !== caseRef.toLowerCase()) throw new Error('Assessments of different cases cannot be compared');
  }
  const current = ordered[ordered.length - 1]!;
  const before = ordered.length > 1 ? ordered[ordered.length - 2] : undefined;
  const cs = C_IDS.map((id): ComparedC => {
    const c = getC(id);
    return {
      number: c.number,
      title: c.title,
      cells: ordered.map((a) => ({
        date: ukDate(dayOf(a)),
        risk: RISK_LABELS[riskOf(a, id)],
        resilience: RESILIENCE_LABELS[resilienceOf(a, id)],
        carried: a.carried?.[id] !== undefined,
      })),
      riskChange: before && riskChange(riskOf(before, id), riskOf(current, id)),
      resilienceChange: before && resilienceChange(resilienceOf(before, id), resilienceOf(current, id)),
    };
  });
  const factors = (a: Assessment | undefined): OfflineFactor[] => a?.composite?.offlineFactors ?? [];
  const newOffline = before
    ? factors(current)
        .filter((f) => !factors(before).includes(f))
        .map((f) => OFFLINE_FACTOR_LABELS[f])
    : [];
  const goneOffline = before
    ? factors(before)
        .filter((f) => !factors(current).includes(f))
        .map((f) => OFFLINE_FACTOR_LABELS[f])
    : [];
  const asOf = dayOf(current);
  const actionsDue = before ? previousPlan.filter((x) => x.byWhen !== undefined && x.byWhen <= asOf) : [];
  return {
    caseRef,
    dates: ordered.map((a) => ukDate(dayOf(a))),
    cs,
    newOfflineFactors: newOffline,
    offlineFactorsNoLongerNoted: goneOffline,
    actionsDue,
    changes: before ? changesSince(before, current) : [],
  };
}

function describe(change: Change, from: string, to: string): string {
  switch (change) {
    case 'higher':
    case 'lower':
      return `${change} (${from.toLowerCase()}, now ${to.toLowerCase()})`;
    case 'same':
      return `the same (${to.toLowerCase()})`;
    case 'newly explored':
      return `newly explored (${to.toLowerCase()})`;
    case 'not explored this time':
      return `not explored this time (was ${from.toLowerCase()})`;
    case 'not explored':
      return 'not explored';
  }
}

/**
 * What changed since the last assessment, one sentence a line, for a reassessment's summary and
 * case-record text: each C whose risk or resilience moved, then offline factors. Words, never scores.
 */
export function changesSince(previous: Assessment, current: Assessment): string[] {
  const lines: string[] = [];
  for (const id of C_IDS) {
    const r0 = riskOf(previous, id);
    const r1 = riskOf(current, id);
    const s0 = resilienceOf(previous, id);
    const s1 = resilienceOf(current, id);
    const rc = riskChange(r0, r1);
    const sc = resilienceChange(s0, s1);
    const moved = (c: Change) => c !== 'same' && c !== 'not explored';
    if (!moved(rc) && !moved(sc)) continue;
    const c = getC(id);
    lines.push(
      `C${c.number} ${c.title}: risk ${describe(rc, RISK_LABELS[r0], RISK_LABELS[r1])}; resilience ${describe(sc, RESILIENCE_LABELS[s0], RESILIENCE_LABELS[s1])}.`,
    );
  }
  const f0 = previous.composite?.offlineFactors ?? [];
  const f1 = current.composite?.offlineFactors ?? [];
  const added = f1.filter((f) => !f0.includes(f)).map((f) => OFFLINE_FACTOR_LABELS[f]);
  const removed = f0.filter((f) => !f1.includes(f)).map((f) => OFFLINE_FACTOR_LABELS[f]);
  if (added.length > 0) lines.push(`Offline factors noted for the first time: ${added.join(', ')}.`);
  if (removed.length > 0) lines.push(`Offline factors no longer noted: ${removed.join(', ')}.`);
  const since = ukDate(dayOf(previous));
  if (lines.length === 0) return [`No risk or resilience judgement and no offline factor changed since the assessment of ${since}.`];
  const carried = C_IDS.filter((id) => current.carried?.[id] !== undefined).length;
  const head = `Changes since the assessment of ${since}:`;
  return carried > 0 ? [head, ...lines, `${carried} of the ten Cs were carried over and not yet confirmed.`] : [head, ...lines];
}
