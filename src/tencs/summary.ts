import { changesSince } from './cycle/compare.js';
import {
  AGE_BAND_LABELS,
  OFFLINE_FACTOR_LABELS,
  EMPTY_ANSWER,
  PARTICIPANT_LABELS,
  RESILIENCE_LABELS,
  RISK_LABELS,
  type AgeBand,
  type Assessment,
  type CAnswer,
  type OfflineFactor,
  type ResilienceLevel,
  type RiskLevel,
} from './assessment.js';
import { findPatterns, type CompoundingPattern } from './patterns.js';
import { safetySection, type LocalSafeguarding, type SafetySection } from './safety.js';
import { ListNamer, cleanText, countOf, excerpt, inGuideOrder } from './text.js';
import { TEN_CS, TRIANGLE_DOMAINS, TRIANGLE_DOMAIN_LABELS, getC, type CId, type TriangleDomain } from './ten-cs.js';

export { AREA_CS, type CompoundingPattern, type PatternId } from './patterns.js';
export { cleanText, excerpt, listOf, namesOf } from './text.js';
export type { LocalSafeguarding, SafetySection } from './safety.js';

/** Longest excerpt of a practitioner's strengths text carried into the summary. */
export const STRENGTH_EXCERPT_CHARS = 160;

/** How the summary refers back to the list of areas of concern once it has named them. */
export const CONCERNS_REFERENCE = 'the areas of concern above';

/** Said on every summary: it shows patterns, it never decides. */
export const JUDGEMENT_NOTE =
  "This summary sets out patterns in the practitioner's own judgements. It is not a score, a threshold or a decision: professional judgement, shared with the young person, their family and the team, decides what the patterns mean.";

/** One C's two judgements, and whether the voices the guide asks for were recorded. */
export interface CJudgement {
  readonly id: CId;
  readonly number: number;
  readonly title: string;
  readonly shortTitle: string;
  readonly risk: RiskLevel;
  readonly riskLabel: string;
  readonly resilience: ResilienceLevel;
  readonly resilienceLabel: string;
  readonly skipped: boolean;
  /** Either judgement was made. */
  readonly explored: boolean;
  /** Risk is medium or high. */
  readonly concern: boolean;
  readonly youngPersonViewRecorded: boolean;
  readonly parentViewRecorded: boolean;
  readonly nextStepsRecorded: boolean;
}

/** The next steps recorded on one C, in the order they were written. */
export function planOf(c: CId, answer: CAnswer | undefined): PlanItem[] {
  if (!answer) return [];
  const first: PlanItem = { c, what: cleanText(answer.nextSteps), who: cleanText(answer.nextStepsWho ?? ''), by: answer.nextStepsBy ?? '' };
  const more = (answer.moreSteps ?? []).map((m) => ({ c, what: cleanText(m.what), who: cleanText(m.who), by: m.by }));
  return [first, ...more].filter((p) => p.what !== '');
}

/** The composite picture across all ten Cs and the offline factors. */
export interface CompositePicture {
  readonly highRisk: readonly CId[];
  readonly mediumRisk: readonly CId[];
  /** Medium or high risk, in the guide's order. */
  readonly concerns: readonly CId[];
  /** How many of the nine area Cs carry medium or high risk at once. */
  readonly concurrentConcerns: number;
  readonly lowResilience: readonly CId[];
  readonly riskWithLowResilience: readonly CId[];
  readonly notExplored: readonly CId[];
  readonly skipped: readonly CId[];
  readonly offlineFactors: readonly { readonly id: OfflineFactor; readonly label: string }[];
  /** The practitioner's own words for any other offline factor (user text). */
  readonly offlineOther: string;
  readonly patterns: readonly CompoundingPattern[];
  /** Plain sentences describing the picture; our own words and C titles only. */
  readonly statements: readonly string[];
}

/** A C where resilience was judged some or strong, with the practitioner's words about it. */
export interface StrengthToBuildOn {
  readonly c: CId;
  readonly resilience: ResilienceLevel;
  readonly resilienceLabel: string;
  /** Start of the practitioner's strengths text (user text), shortened with a visible mark. */
  readonly excerpt: string;
  readonly shortened: boolean;
}

/** The Cs the practitioner placed on one domain of the Assessment Triangle (confirmed placements only). */
export interface TriangleConcerns {
  readonly domain: TriangleDomain;
  readonly label: string;
  readonly cs: readonly CId[];
}

/** The practitioner's placement of the concerns on the Triangle; empty until they confirm it. */
export interface TrianglePicture {
  readonly confirmed: boolean;
  /** Only when confirmed: the domains, each with the concerns placed there. */
  readonly domains: readonly TriangleConcerns[];
  /** Concerns (medium or high risk, or low resilience) not placed on any domain, once confirmed. */
  readonly unplaced: readonly CId[];
}

/** The voices the guide asks for, for one C (user text). */
export interface Voices {
  readonly c: CId;
  readonly youngPerson: string;
  readonly parent: string;
}

/** One next step in the plan (user text), with who and by when when recorded. */
export interface PlanItem {
  readonly c: CId;
  readonly what: string;
  readonly who: string;
  /** YYYY-MM-DD, or '' when not given. */
  readonly by: string;
}

/** Everything a manager, or a case record, needs from a completed assessment. */
export interface AssessmentSummary {
  readonly assessmentId: string;
  readonly caseRef: string;
  readonly ageBand: AgeBand | undefined;
  readonly ageBandLabel: string;
  readonly assessedOn: string;
  readonly participants: readonly string[];
  readonly completedAt: string | undefined;
  readonly judgements: readonly CJudgement[];
  readonly picture: CompositePicture;
  /** The practitioner's analysis of how the risks combine (user text). */
  readonly analysis: string;
  /** The practitioner's view of the impact on identity, relationships, development and wellbeing (user text). */
  readonly impact: string;
  readonly strengths: readonly StrengthToBuildOn[];
  /** The young person's and the parent's or carer's own views, C by C, where recorded. */
  readonly voices: readonly Voices[];
  /** Every next step recorded, C by C, gathered into one plan. */
  readonly plan: readonly PlanItem[];
  readonly safety: SafetySection;
  readonly triangle: TrianglePicture;
  readonly judgementNote: string;
  /** Lists of Cs the summary has named, and how to refer back to each, so the prompts never repeat one. */
  readonly namedLists: readonly { readonly cs: readonly CId[]; readonly reference: string }[];
  /** A reassessment's "what changed since the last assessment", one sentence a line (issue 16); absent otherwise. */
  readonly changes?: readonly string[];
}

function judge(id: CId, answer: CAnswer | undefined): CJudgement {
  const c = getC(id);
  const a = answer ?? EMPTY_ANSWER;
  const explored = a.risk !== 'not-explored' || a.resilience !== 'not-explored';
  return {
    id,
    number: c.number,
    title: c.title,
    shortTitle: c.shortTitle,
    risk: a.risk,
    riskLabel: RISK_LABELS[a.risk],
    resilience: a.resilience,
    resilienceLabel: RESILIENCE_LABELS[a.resilience],
    skipped: a.skipped,
    explored,
    concern: a.risk === 'medium' || a.risk === 'high',
    youngPersonViewRecorded: cleanText(a.youngPersonView).length > 0,
    parentViewRecorded: cleanText(a.parentView).length > 0,
    nextStepsRecorded: planOf(id, a).length > 0,
  };
}

function describePicture(picture: Omit<CompositePicture, 'statements'>, judgements: ReadonlyMap<CId, CJudgement>, namer: ListNamer): string[] {
  const s: string[] = [];
  const explored = [...judgements.values()].filter((j) => j.explored);
  if (explored.length === 0) {
    s.push('None of the ten Cs has been explored yet, so there is no picture of risk or resilience to summarise.');
  }
  // One count: the nine areas; the combined risk (C10) is said separately, never added in.
  const areas = picture.concerns.filter((c) => c !== 'composite');
  if (areas.length > 0) {
    const parts = areas.map((c) => `${getC(c).shortTitle} (${judgements.get(c)!.riskLabel.toLowerCase()})`);
    s.push(`Medium or high risk in ${countOf(areas.length, 'of the nine areas', 'of the nine areas').replace(/^(\w+) /, '$1 ')}: ${listOfParts(parts)}.`);
    namer.known(areas, CONCERNS_REFERENCE);
  } else if (explored.length > 0) {
    s.push('None of the nine areas is rated medium or high risk.');
  }
  const combined = judgements.get('composite');
  if (combined && combined.risk !== 'not-explored') s.push(`The combined risk (C10) is rated ${combined.riskLabel.toLowerCase()}.`);
  const low = picture.lowResilience.filter((c) => c !== 'composite');
  if (low.length > 0) s.push(`Resilience is low in ${namer.name(low, 'the areas of low resilience above')}.`);
  const strong = [...judgements.values()].filter((j) => j.resilience === 'strong' && j.id !== 'composite').map((j) => j.id);
  if (strong.length > 0) s.push(`Resilience is strong in ${namer.name(strong, 'the areas of strong resilience above')}.`);
  if (picture.offlineFactors.length > 0 || picture.offlineOther) {
    const labels = picture.offlineFactors.map((f) => f.label);
    if (picture.offlineOther) labels.push("other factors in the practitioner's words (below)");
    s.push(`Offline factors recorded: ${listOfParts(labels)}.`);
  } else if (explored.length > 0) {
    s.push('No offline factors recorded.');
  }
  const gaps = picture.notExplored.filter((c) => c !== 'composite');
  if (gaps.length > 0 && explored.length > 0) {
    s.push(`Not explored: ${namer.name(gaps, 'the areas not explored above')}. Gaps are part of the picture too.`);
  }
  return s;
}

function listOfParts(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

/** Builds the summary of a completed (or in-progress) assessment; a pure function of its answers and the council's details. */
export function summarise(assessment: Assessment, local: LocalSafeguarding = {}, previous?: Assessment): AssessmentSummary {
  const base = summariseOne(assessment, local);
  return previous ? { ...base, changes: changesSince(previous, assessment) } : base;
}

function summariseOne(assessment: Assessment, local: LocalSafeguarding): AssessmentSummary {
  const judgementList = TEN_CS.map((c) => judge(c.id, assessment.answers[c.id]));
  const judgements = new Map(judgementList.map((j) => [j.id, j]));
  const concerns = judgementList.filter((j) => j.concern).map((j) => j.id);
  const composite = assessment.composite;
  const offline = new Set<OfflineFactor>(composite?.offlineFactors ?? []);
  const offlineOther = cleanText(composite?.offlineOther ?? '');
  const setup = assessment.setup;
  const namer = new ListNamer();

  const base0 = {
    highRisk: judgementList.filter((j) => j.risk === 'high').map((j) => j.id),
    mediumRisk: judgementList.filter((j) => j.risk === 'medium').map((j) => j.id),
    concerns,
    concurrentConcerns: concerns.filter((c) => c !== 'composite').length,
    lowResilience: judgementList.filter((j) => j.resilience === 'low').map((j) => j.id),
    riskWithLowResilience: judgementList.filter((j) => j.concern && j.resilience === 'low').map((j) => j.id),
    notExplored: judgementList.filter((j) => !j.explored).map((j) => j.id),
    skipped: judgementList.filter((j) => j.skipped).map((j) => j.id),
    offlineFactors: [...offline].map((id) => ({ id, label: OFFLINE_FACTOR_LABELS[id] })),
    offlineOther,
  };
  // The statements name the lists first; the patterns then refer back to them.
  const statements = describePicture({ ...base0, patterns: [] }, judgements, namer);
  const patterns = findPatterns({
    concern: new Set(concerns),
    resilience: new Map(judgementList.map((j) => [j.id, j.resilience])),
    offline,
    hasOfflineOther: offlineOther.length > 0,
    ageBand: setup?.ageBand,
    harmFrom: new Set(composite?.harmFrom ?? []),
    namer,
  });
  const picture: CompositePicture = { ...base0, patterns, statements };

  const strengths: StrengthToBuildOn[] = judgementList
    .filter((j) => j.resilience === 'strong' || j.resilience === 'some')
    .sort((a, b) => (a.resilience === b.resilience ? a.number - b.number : a.resilience === 'strong' ? -1 : 1))
    .map((j) => {
      const e = excerpt(assessment.answers[j.id]?.strengths ?? '', STRENGTH_EXCERPT_CHARS);
      return { c: j.id, resilience: j.resilience, resilienceLabel: j.resilienceLabel, excerpt: e.text, shortened: e.shortened };
    });

  const voices: Voices[] = TEN_CS.flatMap((c) => {
    const a = assessment.answers[c.id];
    const youngPerson = cleanText(a?.youngPersonView ?? '');
    const parent = cleanText(a?.parentView ?? '');
    return youngPerson || parent ? [{ c: c.id, youngPerson, parent }] : [];
  });
  const plan = TEN_CS.flatMap((c) => planOf(c.id, assessment.answers[c.id]));

  const safety = safetySection(
    {
      flags: composite?.safetyFlags ?? [],
      anyHigh: base0.highRisk.length > 0,
      ageBand: setup?.ageBand,
      referralMadeOn: composite?.referralMadeOn ?? '',
      strategyDiscussionOn: composite?.strategyDiscussionOn ?? '',
      safetyDone: cleanText(composite?.safetyDone ?? ''),
    },
    local,
  );

  return {
    assessmentId: assessment.id,
    caseRef: setup?.caseRef ?? '',
    ageBand: setup?.ageBand,
    ageBandLabel: setup ? AGE_BAND_LABELS[setup.ageBand] : '',
    assessedOn: setup?.assessedOn ?? '',
    participants: (setup?.participants ?? []).map((p) => PARTICIPANT_LABELS[p]),
    completedAt: assessment.completedAt,
    judgements: judgementList,
    picture,
    analysis: cleanText(composite?.analysis ?? ''),
    impact: cleanText(composite?.impact ?? ''),
    strengths,
    voices,
    plan,
    safety,
    triangle: trianglePicture(assessment, judgementList),
    judgementNote: JUDGEMENT_NOTE,
    namedLists: namer.lists('the same areas (above)'),
  };
}

/** Only what the practitioner confirmed: a suggestion never reaches the summary. */
function trianglePicture(assessment: Assessment, judgements: readonly CJudgement[]): TrianglePicture {
  const composite = assessment.composite;
  if (!composite?.triangleConfirmed || !composite.triangle) return { confirmed: false, domains: [], unplaced: [] };
  const flagged = judgements.filter((j) => j.id !== 'composite' && (j.concern || j.resilience === 'low')).map((j) => j.id);
  const placement = composite.triangle;
  const domains = TRIANGLE_DOMAINS.map((domain) => ({
    domain,
    label: TRIANGLE_DOMAIN_LABELS[domain],
    // A C placed earlier that is no longer a concern is left out: the placement follows the judgements.
    cs: inGuideOrder(placement[domain].filter((c) => flagged.includes(c))),
  }));
  const placed = new Set(domains.flatMap((d) => d.cs));
  return { confirmed: true, domains, unplaced: flagged.filter((c) => !placed.has(c)) };
}
