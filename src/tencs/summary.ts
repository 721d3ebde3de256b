import {
  AGE_BAND_LABELS,
  OFFLINE_FACTOR_LABELS,
  PARTICIPANT_LABELS,
  RESILIENCE_LABELS,
  RISK_LABELS,
  type Assessment,
  type CAnswer,
  type OfflineFactor,
  type ResilienceLevel,
  type RiskLevel,
} from './assessment.js';
import { TEN_CS, TRIANGLE_DOMAINS, TRIANGLE_DOMAIN_LABELS, getC, type CId, type TriangleDomain } from './ten-cs.js';

/** The nine Cs that are areas of a young person's life; C10 brings them together. */
export const AREA_CS: readonly CId[] = TEN_CS.filter((c) => c.id !== 'composite').map((c) => c.id);

/** Longest excerpt of a practitioner's strengths text carried into the summary. */
export const STRENGTH_EXCERPT_CHARS = 160;

/** Said on every summary: it shows patterns, it never decides. */
export const JUDGEMENT_NOTE =
  'This summary sets out patterns in the practitioner\'s own judgements. It is not a score, a threshold or a decision: professional judgement, shared with the young person, their family and the team, decides what the patterns mean.';

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

/** A combination of judgements the guide treats as compounding, stated as a pattern to weigh. */
export interface CompoundingPattern {
  readonly id: PatternId;
  /** The Cs the pattern is about, in the guide's order. */
  readonly cs: readonly CId[];
  readonly offlineFactors: readonly OfflineFactor[];
  /** Our own words; never holds anything the practitioner typed. */
  readonly text: string;
}

export type PatternId =
  | 'several-at-once'
  | 'risk-without-resilience'
  | 'disclosure-contact-conduct'
  | 'content-context'
  | 'peer-networks'
  | 'anxious-use'
  | 'self-narrative'
  | 'exploitation'
  | 'offline-combination'
  | 'online-on-offline';

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

/** Concerns placed on one domain of the Assessment Triangle. */
export interface TriangleConcerns {
  readonly domain: TriangleDomain;
  readonly label: string;
  readonly cs: readonly CId[];
  readonly offlineFactors: readonly OfflineFactor[];
}

/** Everything a manager, or a case record, needs from a completed assessment. */
export interface AssessmentSummary {
  readonly assessmentId: string;
  readonly caseRef: string;
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
  readonly triangle: readonly TriangleConcerns[];
  readonly judgementNote: string;
}

/** Which Assessment Triangle domains each offline factor bears on most directly. */
const OFFLINE_TRIANGLE: Readonly<Record<OfflineFactor, readonly TriangleDomain[]>> = {
  'domestic-abuse': ['parenting-capacity', 'family-environment'],
  'parental-mental-health': ['parenting-capacity'],
  'substance-misuse': ['parenting-capacity'],
  neglect: ['parenting-capacity'],
  exploitation: ['developmental-needs', 'family-environment'],
  send: ['developmental-needs'],
  'young-person-mental-health': ['developmental-needs'],
  'going-missing': ['developmental-needs', 'family-environment'],
};

/** The offline combination the guide uses as its example of composite and complex risk. */
const GUIDE_OFFLINE_TRIAD: readonly OfflineFactor[] = ['domestic-abuse', 'parental-mental-health', 'substance-misuse'];

const EMPTY_ANSWER: CAnswer = {
  strengths: '',
  vulnerabilities: '',
  risk: 'not-explored',
  resilience: 'not-explored',
  youngPersonView: '',
  parentView: '',
  nextSteps: '',
  skipped: false,
};

/**
 * Removes control characters other than line breaks and tabs, and trims. Keeps pasted text readable
 * and stops a field of escaped control characters from multiplying the size of a card.
 */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .trim();
}

/** The start of `text` up to `max` characters, cut at a word boundary where one is near, marked when shortened. */
export function excerpt(text: string, max: number): { text: string; shortened: boolean } {
  const clean = cleanText(text);
  if (clean.length <= max) return { text: clean, shortened: false };
  let cut = clean.slice(0, max - 1);
  const space = cut.search(/\s\S*$/);
  if (space > max * 0.6) cut = cut.slice(0, space);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return { text: `${cut.trimEnd()}…`, shortened: true };
}

/** "A", "A and B", "A, B and C". */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The short titles of these Cs as an English list. */
export function namesOf(cs: readonly CId[]): string {
  return listOf(cs.map((c) => getC(c).shortTitle));
}

function inGuideOrder(cs: Iterable<CId>): CId[] {
  const set = new Set(cs);
  return TEN_CS.map((c) => c.id).filter((id) => set.has(id));
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
    nextStepsRecorded: cleanText(a.nextSteps).length > 0,
  };
}

interface PatternContext {
  readonly concern: ReadonlySet<CId>;
  readonly judgements: ReadonlyMap<CId, CJudgement>;
  readonly offline: ReadonlySet<OfflineFactor>;
  readonly hasOfflineOther: boolean;
}

function concernsAmong(ctx: PatternContext, cs: readonly CId[]): CId[] {
  return cs.filter((c) => ctx.concern.has(c));
}

/** The combinations the guide names, or that its practice example and cautions point to. */
function findPatterns(ctx: PatternContext): CompoundingPattern[] {
  const out: CompoundingPattern[] = [];
  const add = (id: PatternId, cs: CId[], offlineFactors: OfflineFactor[], text: string) =>
    out.push({ id, cs: inGuideOrder(cs), offlineFactors, text });
  const areaConcerns = concernsAmong(ctx, AREA_CS);

  if (areaConcerns.length >= 3) {
    add(
      'several-at-once',
      areaConcerns,
      [],
      `${areaConcerns.length} of the nine areas carry medium or high risk at the same time (${namesOf(inGuideOrder(areaConcerns))}). Risks that sit together build on each other: the combined risk is different from, and more than, each one alone.`,
    );
  }

  const thin = AREA_CS.filter((c) => ctx.concern.has(c) && ctx.judgements.get(c)?.resilience === 'low');
  if (thin.length > 0) {
    add(
      'risk-without-resilience',
      thin,
      [],
      `Risk is medium or high and resilience is low in ${namesOf(thin)}: little is yet holding the young person in ${thin.length === 1 ? 'this area' : 'these areas'}.`,
    );
  }

  if (ctx.concern.has('confidentiality')) {
    const partners = concernsAmong(ctx, ['contact', 'conduct']);
    if (partners.length > 0) {
      add(
        'disclosure-contact-conduct',
        ['confidentiality', ...partners],
        [],
        `${namesOf(['confidentiality', ...partners])} together: a breach of confidentiality alongside risky ${partners.length === 2 ? 'contact and conduct' : partners[0]} is the combination in the guide's practice example of images shared without consent. Who can now see the material, who is helping or harming, and whether there is bullying or sextortion all bear on one another.`,
      );
    }
  }

  if (ctx.concern.has('content') && ctx.concern.has('context')) {
    add(
      'content-context',
      ['content', 'context'],
      [],
      'Content and Context together: where harmful material sits, how openly it can be reached and whether it can be removed decide how far the harm can spread.',
    );
  }

  if (ctx.concern.has('connection')) {
    const partners = concernsAmong(ctx, ['contact', 'conduct']);
    if (partners.length > 0) {
      add(
        'peer-networks',
        ['connection', ...partners],
        [],
        `${namesOf(['connection', ...partners])} together: the young person's friends and networks can be a source of support or of abuse. Many young people know about the danger from strangers; fewer recognise grooming and exploitation by other young people.`,
      );
    }
  }

  if (ctx.concern.has('consumption')) {
    const partners = concernsAmong(ctx, ['confidentiality', 'contact', 'conduct', 'compatibility']);
    const anxious = ctx.offline.has('young-person-mental-health');
    if (partners.length > 0 || anxious) {
      add(
        'anxious-use',
        ['consumption', ...partners],
        anxious ? ['young-person-mental-health'] : [],
        `Consumption alongside ${partners.length > 0 ? namesOf(partners) : "the young person's own mental health"}: young people affected by online harm often check profiles and messages again and again, which can feed anxiety and cost sleep.`,
      );
    }
  }

  if (ctx.concern.has('compatibility')) {
    const others = areaConcerns.filter((c) => c !== 'compatibility');
    if (others.length > 0) {
      add(
        'self-narrative',
        ['compatibility', ...others],
        [],
        `Compatibility alongside ${namesOf(others)}: what has happened may be changing how the young person sees and presents themselves. Their self-narrative is part of the harm, and part of the recovery.`,
      );
    }
  }

  if (ctx.concern.has('commercial')) {
    const partners = concernsAmong(ctx, ['contact', 'content']);
    const exploited = ctx.offline.has('exploitation');
    if (partners.length > 0 || exploited) {
      add(
        'exploitation',
        ['commercial', ...partners],
        exploited ? ['exploitation'] : [],
        `Commercial alongside ${partners.length > 0 ? namesOf(partners) : 'offline exploitation concerns'}: when someone gains from the young person's accounts, images or time, together with risky contacts or content, sexual or criminal exploitation needs to be considered.`,
      );
    }
  }

  const triad = GUIDE_OFFLINE_TRIAD.filter((f) => ctx.offline.has(f));
  if (triad.length >= 2) {
    add(
      'offline-combination',
      [],
      triad,
      `${listOf(triad.map((f) => OFFLINE_FACTOR_LABELS[f]))} are present together${triad.length === 3 ? ', the very combination the guide gives as its example of composite risk' : ', part of the combination the guide gives as its example of composite risk'}: their cumulative effect creates risks in addition to, and different from, each one.`,
    );
  }

  const offlinePresent = ctx.offline.size > 0 || ctx.hasOfflineOther;
  if (areaConcerns.length > 0 && offlinePresent) {
    const factors = [...ctx.offline];
    add(
      'online-on-offline',
      areaConcerns,
      factors,
      `Online risk in ${namesOf(inGuideOrder(areaConcerns))} sits on top of offline adversity (${factors.length > 0 ? listOf(factors.map((f) => OFFLINE_FACTOR_LABELS[f].toLowerCase())) : 'other factors recorded'}${factors.length > 0 && ctx.hasOfflineOther ? ', and other factors recorded' : ''}): online and offline risks can feed each other.`,
    );
  }
  return out;
}

function describePicture(picture: Omit<CompositePicture, 'statements'>, judgements: ReadonlyMap<CId, CJudgement>): string[] {
  const s: string[] = [];
  const explored = [...judgements.values()].filter((j) => j.explored);
  if (explored.length === 0) {
    s.push('None of the ten Cs has been explored yet, so there is no picture of risk or resilience to summarise.');
  }
  if (picture.concerns.length > 0) {
    const parts = picture.concerns.map((c) => `${getC(c).shortTitle} (${judgements.get(c)?.riskLabel.toLowerCase()})`);
    s.push(`Medium or high risk in ${picture.concerns.length} of the ten Cs: ${listOf(parts)}.`);
  } else if (explored.length > 0) {
    s.push('No C is rated medium or high risk.');
  }
  if (picture.lowResilience.length > 0) s.push(`Resilience is low in ${namesOf(picture.lowResilience)}.`);
  const strong = [...judgements.values()].filter((j) => j.resilience === 'strong').map((j) => j.id);
  if (strong.length > 0) s.push(`Resilience is strong in ${namesOf(strong)}.`);
  if (picture.offlineFactors.length > 0 || picture.offlineOther) {
    const labels = picture.offlineFactors.map((f) => f.label);
    if (picture.offlineOther) labels.push('other factors in the practitioner\'s words (below)');
    s.push(`Offline factors recorded: ${listOf(labels)}.`);
  } else if (explored.length > 0) {
    s.push('No offline factors recorded.');
  }
  if (picture.notExplored.length > 0 && explored.length > 0) {
    s.push(`Not explored: ${namesOf(picture.notExplored)}. Gaps are part of the picture too.`);
  }
  return s;
}

/** Builds the summary of a completed (or in-progress) assessment; a pure function of its answers. */
export function summarise(assessment: Assessment): AssessmentSummary {
  const judgementList = TEN_CS.map((c) => judge(c.id, assessment.answers[c.id]));
  const judgements = new Map(judgementList.map((j) => [j.id, j]));
  const concerns = judgementList.filter((j) => j.concern).map((j) => j.id);
  const composite = assessment.composite;
  const offline = new Set<OfflineFactor>(composite?.offlineFactors ?? []);
  const offlineOther = cleanText(composite?.offlineOther ?? '');

  const patterns = findPatterns({ concern: new Set(concerns), judgements, offline, hasOfflineOther: offlineOther.length > 0 });
  const base: Omit<CompositePicture, 'statements'> = {
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
    patterns,
  };
  const picture: CompositePicture = { ...base, statements: describePicture(base, judgements) };

  const strengths: StrengthToBuildOn[] = judgementList
    .filter((j) => j.resilience === 'strong' || j.resilience === 'some')
    .sort((a, b) => (a.resilience === b.resilience ? a.number - b.number : a.resilience === 'strong' ? -1 : 1))
    .map((j) => {
      const e = excerpt(assessment.answers[j.id]?.strengths ?? '', STRENGTH_EXCERPT_CHARS);
      return { c: j.id, resilience: j.resilience, resilienceLabel: j.resilienceLabel, excerpt: e.text, shortened: e.shortened };
    });

  const flagged = new Set([...concerns, ...base.lowResilience]);
  const triangle: TriangleConcerns[] = TRIANGLE_DOMAINS.map((domain) => ({
    domain,
    label: TRIANGLE_DOMAIN_LABELS[domain],
    cs: TEN_CS.filter((c) => flagged.has(c.id) && c.triangle.includes(domain)).map((c) => c.id),
    offlineFactors: [...offline].filter((f) => OFFLINE_TRIANGLE[f].includes(domain)),
  }));

  const setup = assessment.setup;
  return {
    assessmentId: assessment.id,
    caseRef: setup?.caseRef ?? '',
    ageBandLabel: setup ? AGE_BAND_LABELS[setup.ageBand] : '',
    assessedOn: setup?.assessedOn ?? '',
    participants: (setup?.participants ?? []).map((p) => PARTICIPANT_LABELS[p]),
    completedAt: assessment.completedAt,
    judgements: judgementList,
    picture,
    analysis: cleanText(composite?.analysis ?? ''),
    impact: cleanText(composite?.impact ?? ''),
    strengths,
    triangle,
    judgementNote: JUDGEMENT_NOTE,
  };
}
