import { OFFLINE_FACTOR_LABELS, type AgeBand, type HarmFrom, type OfflineFactor, type ResilienceLevel } from './assessment.js';
import { inGuideOrder, isAre, listOf, type ListNamer } from './text.js';
import { TEN_CS, type CId } from './ten-cs.js';

/** The nine Cs that are areas of a young person's life; C10 brings them together. */
export const AREA_CS: readonly CId[] = TEN_CS.filter((c) => c.id !== 'composite').map((c) => c.id);

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
  | 'online-on-offline'
  | 'young-child-contact'
  | 'older-teen-relationships'
  | 'care-leaver-money';

/** What the patterns look at: only what the practitioner recorded. */
export interface PatternContext {
  readonly concern: ReadonlySet<CId>;
  readonly resilience: ReadonlyMap<CId, ResilienceLevel>;
  readonly offline: ReadonlySet<OfflineFactor>;
  readonly hasOfflineOther: boolean;
  readonly ageBand: AgeBand | undefined;
  /** Who is harming or pressuring the young person, as recorded on C10 (empty when not recorded). */
  readonly harmFrom: ReadonlySet<HarmFrom>;
  /** Lists already named above (the areas of concern), so a pattern refers back instead of repeating them. */
  readonly namer: ListNamer;
}

/** The offline combination the guide uses as its example of composite and complex risk. */
const GUIDE_OFFLINE_TRIAD: readonly OfflineFactor[] = ['domestic-abuse', 'parental-mental-health', 'substance-misuse'];

/** Age bands below 11. */
export const UNDER_11: readonly AgeBand[] = ['under-8', '8-10'];

function concernsAmong(ctx: PatternContext, cs: readonly CId[]): CId[] {
  return cs.filter((c) => ctx.concern.has(c));
}

/** The combinations the guide names, or that its practice example and cautions point to. */
export function findPatterns(ctx: PatternContext): CompoundingPattern[] {
  const out: CompoundingPattern[] = [];
  const add = (id: PatternId, cs: CId[], offlineFactors: OfflineFactor[], text: string) => out.push({ id, cs: inGuideOrder(cs), offlineFactors, text });
  const areaConcerns = concernsAmong(ctx, AREA_CS);
  const name = (cs: readonly CId[], fallback = 'the same areas') => ctx.namer.name(cs, fallback);

  if (areaConcerns.length >= 3) {
    add(
      'several-at-once',
      areaConcerns,
      [],
      ctx.namer.isNamed(areaConcerns)
        ? `With this many areas of concern at once, risks build on each other: the combined risk is different from, and more than, each one alone.`
        : `${name(areaConcerns)} carry medium or high risk at the same time. Risks that sit together build on each other: the combined risk is different from, and more than, each one alone.`,
    );
  }

  const thin = AREA_CS.filter((c) => ctx.concern.has(c) && ctx.resilience.get(c) === 'low');
  if (thin.length > 0) {
    add(
      'risk-without-resilience',
      thin,
      [],
      ctx.namer.isNamed(thin)
        ? 'Wherever resilience is low, risk is also medium or high: little is yet holding the young person in those areas.'
        : `Risk is medium or high and resilience is low in ${name(thin)}: little is yet holding the young person in ${thin.length === 1 ? 'this area' : 'these areas'}.`,
    );
  }

  if (ctx.concern.has('confidentiality')) {
    const partners = concernsAmong(ctx, ['contact', 'conduct']);
    if (partners.length > 0) {
      const cs: CId[] = ['confidentiality', ...partners];
      add(
        'disclosure-contact-conduct',
        cs,
        [],
        `${name(cs)} together: a breach of confidentiality alongside risky ${partners.length === 2 ? 'contact and conduct' : partners[0]!} is the combination in the guide's practice example of images shared without consent. Who can now see the material, who is helping or harming, and whether there is bullying or sextortion all bear on one another.`,
      );
    }
  }

  if (ctx.concern.has('content') && ctx.concern.has('context')) {
    add(
      'content-context',
      ['content', 'context'],
      [],
      `${name(['content', 'context'])} together: where harmful material sits, how openly it can be reached and whether it can be removed decide how far the harm can spread.`,
    );
  }

  // Only when the practitioner recorded that other young people are involved: never when the harm comes from an adult.
  if (ctx.concern.has('connection') && ctx.harmFrom.has('peers')) {
    const partners = concernsAmong(ctx, ['contact', 'conduct']);
    if (partners.length > 0) {
      const cs: CId[] = ['connection', ...partners];
      add(
        'peer-networks',
        cs,
        [],
        `${name(cs)} together, with other young people involved: friends and classmates can be a source of support or of abuse. Many young people know about the danger from strangers; fewer recognise grooming and exploitation by other young people.`,
      );
    }
  }

  if (ctx.concern.has('consumption')) {
    // After harm (the guide's example): disclosure, abusive conduct or a shaken self-image, or the young person's own anxiety.
    const partners = concernsAmong(ctx, ['confidentiality', 'conduct', 'compatibility']);
    const anxious = ctx.offline.has('young-person-mental-health');
    if (partners.length > 0 || anxious) {
      add(
        'anxious-use',
        ['consumption', ...partners],
        anxious ? ['young-person-mental-health'] : [],
        `Consumption alongside ${partners.length > 0 ? name(partners, 'other areas of concern') : "the young person's own mental health"}: young people affected by online harm often check profiles and messages again and again, which can feed anxiety and cost sleep.`,
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
        `Compatibility alongside ${others.length === 1 ? name(others) : 'the other areas of concern'}: what has happened may be changing how the young person sees and presents themselves. Their self-narrative is part of the harm, and part of the recovery.`,
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
        `Commercial alongside ${partners.length > 0 ? name(partners) : 'offline exploitation concerns'}: when someone gains from the young person's accounts, images or time, together with risky contacts or content, sexual or criminal exploitation needs to be considered.`,
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
    const what =
      areaConcerns.length === 1
        ? `Online risk in ${name(areaConcerns)}`
        : ctx.namer.isNamed(areaConcerns)
          ? 'The online risks above'
          : `The online risks in ${name(areaConcerns)}`;
    add(
      'online-on-offline',
      areaConcerns,
      factors,
      `${what} ${isAre(areaConcerns.length) === 'is' ? 'sits' : 'sit'} on top of offline adversity (${factors.length > 0 ? listOf(factors.map((f) => OFFLINE_FACTOR_LABELS[f].toLowerCase())) : 'other factors recorded'}${factors.length > 0 && ctx.hasOfflineOther ? ', and other factors recorded' : ''}): online and offline risks can feed each other.`,
    );
  }

  // Patterns that fit the age band recorded at the start.
  if (ctx.ageBand && UNDER_11.includes(ctx.ageBand)) {
    const cs = concernsAmong(ctx, ['contact', 'consumption', 'context']);
    if (cs.length > 0) {
      add(
        'young-child-contact',
        cs,
        [],
        `For a child under 11, risk in ${name(cs, 'these areas')} often comes through games: in-game chat, voice chat and friend requests from people the child has not met. What the child plays, with whom, and whether a parent or carer can see and set controls matter more at this age than rules about screen time alone.`,
      );
    }
  }
  if (ctx.ageBand === '16-17') {
    const cs = concernsAmong(ctx, ['contact', 'conduct', 'commercial']);
    if (cs.length > 0) {
      add(
        'older-teen-relationships',
        cs,
        [],
        `At 16 or 17, risk in ${name(cs, 'these areas')} often sits in relationships and money: pressure in a relationship, consent to sharing images (which stay illegal to make or share under 18), and offers of money, work or favours online.`,
      );
    }
  }
  if (ctx.ageBand === '18-25') {
    const cs = concernsAmong(ctx, ['contact', 'commercial', 'connection']);
    if (cs.length > 0 || ctx.offline.has('exploitation')) {
      add(
        'care-leaver-money',
        cs,
        ctx.offline.has('exploitation') ? ['exploitation'] : [],
        `For a care leaver living more independently, risk${cs.length > 0 ? ` in ${name(cs, 'these areas')}` : ''} often reaches money and housing: someone using their bank account, benefits, phone contract or home, and the support of a leaving care adviser matters as much as online safety.`,
      );
    }
  }
  return out;
}
