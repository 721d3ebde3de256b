import { RESILIENCE_LABELS, RISK_LABELS } from './assessment.js';
import { UNDER_11 } from './patterns.js';
import { AREA_CS, CONCERNS_REFERENCE, type AssessmentSummary, type CJudgement, type CompoundingPattern, type PatternId } from './summary.js';
import { ListNamer, isAre } from './text.js';
import { getC, type CId } from './ten-cs.js';

/** The four stages of the reflective supervision cycle in the 4x4x4 model. */
export const SUPERVISION_STAGES = ['experience', 'reflection', 'analysis', 'action-planning'] as const;
export type SupervisionStage = (typeof SUPERVISION_STAGES)[number];

export const SUPERVISION_STAGE_LABELS: Readonly<Record<SupervisionStage, { title: string; aim: string }>> = {
  experience: { title: 'Experience', aim: 'What happened, and what is it like for the young person?' },
  reflection: { title: 'Reflection', aim: 'What does it feel like, and what might we be bringing to it?' },
  analysis: { title: 'Analysis', aim: 'What does it mean, and how do the risks combine?' },
  'action-planning': { title: 'Action planning', aim: 'What next, with whom, and how will we know it is working?' },
};

/**
 * At most this many prompts per stage, so the supervision conversation stays focused. Always-asked
 * prompts and safety prompts are never cut by it.
 */
export const MAX_PROMPTS_PER_STAGE = 5;

const ALWAYS = 'always' as const;

/** One question for supervision, about named Cs. */
export interface SupervisionPrompt {
  readonly stage: SupervisionStage;
  /** Which prompt this is, stable across assessments (for tests and analytics, never shown). */
  readonly key: string;
  readonly text: string;
  /** The Cs the prompt is about, in the guide's order; never empty. */
  readonly cs: readonly CId[];
  /** Always asked, whatever the assessment says. */
  readonly always: boolean;
  /** About a route to safety: never cut by any cap. */
  readonly safety: boolean;
}

/** What to ask about a C rated medium or high, in the experience stage: the young person's side first. */
const EXPERIENCE_BY_C: Readonly<Record<CId, string>> = {
  confidentiality: 'what has been shared about the young person, where, and who can see it now? How does the young person understand what happened?',
  connection: 'who does the young person count as friends and support, online and offline, and how have those networks changed?',
  context: 'which platforms and devices are involved, how openly can they be reached, and how risky does the young person think each one is?',
  content: 'what is the young person seeing or producing, and how has it affected them, in their own words?',
  contact: "what is known of these contacts from the young person's own perspective? Who do they see as a friend, and who worries them?",
  conduct: 'what is the young person doing online and offline, and how do they explain it themselves?',
  compatibility: 'how does the young person present themselves at home, at school and online, and what story do they tell about themselves now?',
  consumption: 'what does a typical day and night of digital use look like, and what does it give the young person?',
  commercial: "is anyone gaining from the young person's accounts, images or time, and what does the young person think they get from it?",
  composite: 'how does the young person experience all of this together, day to day?',
};

/** What to plan for a C rated medium or high. */
const ACTION_BY_C: Partial<Record<CId, string>> = {
  confidentiality: 'what has been agreed with the young person and family about getting harmful posts or images removed, and who will do it, by when?',
  connection: "how could the school and the young person's classmates be involved, to reduce the risk of peer abuse and to rebuild support?",
  consumption: 'which change to their digital routine would the young person themselves choose, to protect sleep and wellbeing?',
  compatibility: 'how will the young person be supported to re-author a self-narrative that is positive and their own?',
  contact: 'who can help the young person now, and how will risky contacts be managed with the young person rather than around them?',
  conduct:
    "how will any bullying, sharing without consent or sextortion be addressed, with the young person's own account at the centre? If they were pressured, tricked or blackmailed, they are the one harmed, whatever they sent.",
  content: 'which reporting or removal steps are needed, on which platforms, and who takes them?',
  context: 'which platforms need reporting, settings or removal requests, and does the family know how?',
  commercial: 'does this need a referral under exploitation procedures, and who will make it?',
};

/** Patterns the guide itself names: kept first when the analysis stage is trimmed. */
const GUIDE_NAMED: ReadonlySet<PatternId> = new Set(['several-at-once', 'disclosure-contact-conduct', 'offline-combination']);

/** How each compounding pattern is taken into analysis; `n` names a list once and refers back after. */
const ANALYSIS_BY_PATTERN: Readonly<Record<PatternId, (p: CompoundingPattern, n: (cs: readonly CId[]) => string) => string>> = {
  'several-at-once': (p, n) => `How do the risks in ${n(p.cs)} interact? Which one, if it changed, would change the others most?`,
  'risk-without-resilience': (p, n) => `In ${n(p.cs)}, where could resilience come from: a trusted adult, friends, school, or the young person's own skills?`,
  'disclosure-contact-conduct': () =>
    'How far has the breach of confidentiality spread, and how is it shaping who contacts the young person and how others behave towards them?',
  'content-context': () => 'How far can the material reach on these platforms, and what does that mean for the harm and for removing it?',
  'peer-networks': () => "Are the young person's peers more a source of support or of harm right now, and what could shift the balance?",
  'anxious-use': () => "How is the young person's digital routine linked to their anxiety, sleep and mood?",
  'self-narrative': () => "How has what happened changed the young person's self-narrative, and what would they prefer it to be?",
  exploitation: () => 'Does the value others draw from the young person, with their contacts, point to sexual or criminal exploitation?',
  'offline-combination': () =>
    "How do the offline factors together affect the parents' or carers' capacity to notice and respond to online risk, and the young person's safety at home?",
  'online-on-offline': () => 'How do the offline factors and the online risks feed each other?',
  'young-child-contact': () =>
    'Who does the child play and talk with in games, and could a parent or carer sit alongside them to learn the games and set the controls together?',
  'older-teen-relationships': () =>
    'What does the young person understand about consent, pressure and money in their relationships online, and who would they go to if something felt wrong?',
  'care-leaver-money': () => 'Who helps this young adult with money, accounts and housing now, and is anyone using their bank card, phone or home?',
};

function levels(j: CJudgement): string {
  return `risk ${RISK_LABELS[j.risk].toLowerCase()}, resilience ${RESILIENCE_LABELS[j.resilience].toLowerCase()}`;
}

function ordered(cs: Iterable<CId>): CId[] {
  const set = new Set(cs);
  return [...set].sort((a, b) => getC(a).number - getC(b).number);
}

/** Orders concerns so the most pressing come first: risk without resilience, then high, then medium. */
function byPressure(judgements: readonly CJudgement[]): CJudgement[] {
  const weight = (j: CJudgement) => (j.resilience === 'low' ? 0 : 2) + (j.risk === 'high' ? 0 : 1);
  return judgements.filter((j) => j.concern && j.id !== 'composite').sort((a, b) => weight(a) - weight(b) || a.number - b.number);
}

/** Age-band prompts: what fits a young person of this age, in the guide's spirit. */
function ageBandPrompts(summary: AssessmentSummary): { stage: SupervisionStage; key: string; text: string }[] {
  const band = summary.ageBand;
  if (!band) return [];
  if (UNDER_11.includes(band)) {
    return [
      {
        stage: 'experience',
        key: 'age-under-11-games',
        text: 'For a child this age, much contact comes through games: which games, in-game and voice chat, and who sends friend requests? What does the child enjoy about them?',
      },
      {
        stage: 'action-planning',
        key: 'age-under-11-controls',
        text: 'Which parental controls and device settings does the family use, and do the parents or carers feel able to set them up and talk about them with the child?',
      },
    ];
  }
  if (band === '16-17') {
    return [
      {
        stage: 'experience',
        key: 'age-16-17-relationships',
        text: 'How does the young person talk about relationships, consent and money online: is anyone pressing them for images, their accounts or cash?',
      },
      {
        stage: 'action-planning',
        key: 'age-16-17-adulthood',
        text: 'What will they need to keep themselves safe online as they turn 18 and services change around them?',
      },
    ];
  }
  if (band === '18-25') {
    return [
      {
        stage: 'experience',
        key: 'age-care-leaver-independence',
        text: 'What is living more independently like for this young adult: money, housing, phone and data, and who they turn to?',
      },
      {
        stage: 'action-planning',
        key: 'age-care-leaver-pathway',
        text: 'What does the pathway plan say about money, housing and online safety, and is the personal adviser part of this plan?',
      },
    ];
  }
  return [];
}

/**
 * Generates reflective supervision prompts from one assessment's summary, following the
 * experience, reflection, analysis and action-planning cycle and the 4x4x4 functions (the
 * worker's support and development are asked every time). A list of Cs is named once and referred
 * to after that (the picture above names the areas of concern). The young person's lived
 * experience, digital inequality, the caution about removing digital access and any route to
 * safety are always asked and never cut.
 */
export function supervisionPrompts(summary: AssessmentSummary): SupervisionPrompt[] {
  const j = summary.judgements;
  const pressing = byPressure(j);
  const concerns = ordered(pressing.map((x) => x.id));
  const explored = j.filter((x) => x.explored && x.id !== 'composite').map((x) => x.id);
  const focus = concerns.length > 0 ? concerns : explored.length > 0 ? ordered(explored) : [...AREA_CS];
  const namer = new ListNamer();
  // The summary's picture (shown above the prompts) already named these lists.
  namer.known(concerns, CONCERNS_REFERENCE);
  for (const l of summary.namedLists) namer.known(l.cs, l.reference);
  namer.known(AREA_CS, 'all nine areas');
  const n = (cs: readonly CId[], fallback?: string) =>
    namer.name(cs, fallback ?? (cs.length === focus.length && cs.every((c) => focus.includes(c)) ? 'these areas' : 'the same areas'));
  const prompts: SupervisionPrompt[] = [];
  const rank = new Map<SupervisionPrompt, number>();
  /** Lower priority numbers survive trimming first; ALWAYS and safety prompts are never trimmed. */
  const add = (stage: SupervisionStage, key: string, text: string, cs: readonly CId[], priority: number | typeof ALWAYS = 2, safety = false) => {
    const always = priority === ALWAYS;
    const prompt = { stage, key, text, cs: ordered(cs.length > 0 ? cs : ['composite']), always, safety };
    rank.set(prompt, always || safety ? -1 : priority);
    prompts.push(prompt);
  };

  // Experience: the young person's lived experience, online and offline, before any adult view.
  add(
    'experience',
    'lived-experience',
    `What is daily life like for this young person, online and offline, in their own words? Online life is part of who they are, not separate from it; what matters most to them in ${n(focus)}?`,
    focus,
    ALWAYS,
  );
  const unheard = j.filter((x) => x.explored && !x.youngPersonViewRecorded && x.id !== 'composite').map((x) => x.id);
  if (unheard.length > 0) {
    add(
      'experience',
      'young-person-view-missing',
      `The young person's own view is not recorded for ${n(unheard)}. What got in the way, and how could it be heard?`,
      unheard,
      1,
    );
  }
  for (const c of pressing) {
    add('experience', `c-${c.id}`, `${c.shortTitle} (${levels(c)}): ${EXPERIENCE_BY_C[c.id]}`, [c.id]);
  }
  if (explored.length === 0) {
    add(
      'experience',
      'nothing-explored',
      'None of the Cs has been explored yet. What stood in the way: the relationship, access to the young person, their readiness, or time? Who could help open the conversation?',
      AREA_CS,
      1,
    );
  }

  // Reflection: feelings, assumptions and whose voice carries weight; the worker's own feelings every time.
  add(
    'reflection',
    'worker-feelings',
    concerns.length > 0
      ? "How are you feeling after this assessment, and how are your feelings about what you heard shaping it? Young people often find adults too risk-focused: is the young person's account given as much weight as the adults'?"
      : 'How are you feeling after this assessment? A quiet picture can hold worries too: is anything unsaid, for the young person or for you?',
    focus,
    ALWAYS,
  );
  add(
    'reflection',
    'digital-inequality',
    'Does the young person have the same access to devices, data, a private space and digital skills as their peers? How might digital inequality shape the risks and the resilience found in Context, Connection and Consumption?',
    ['context', 'connection', 'consumption'],
    ALWAYS,
  );
  const strong = summary.strengths.map((s) => s.c);
  if (strong.length > 0) {
    add(
      'reflection',
      'strengths-identity',
      `What do the strengths in ${n(strong, 'the areas of strength above')} say about who this young person is beyond the risks, and do they know these strengths themselves?`,
      strong,
    );
  }
  const parentOnly = j.filter((x) => x.parentViewRecorded && !x.youngPersonViewRecorded && x.id !== 'composite').map((x) => x.id);
  if (parentOnly.length > 0) {
    add(
      'reflection',
      'parent-view-only',
      `For ${n(parentOnly)} only the parent's or carer's view is recorded. How might the picture look different from where the young person stands?`,
      parentOnly,
    );
  }

  // Analysis: how the risks combine, and what they do to identity, relationships, development and wellbeing.
  for (const p of summary.picture.patterns) {
    add('analysis', `pattern-${p.id}`, ANALYSIS_BY_PATTERN[p.id](p, n), p.cs.length > 0 ? p.cs : ['composite'], GUIDE_NAMED.has(p.id) ? 1 : 2);
  }
  if (concerns.length > 0 || summary.impact) {
    const verb = isAre(focus.length);
    add(
      'analysis',
      'impact',
      summary.impact
        ? `How ${verb} ${n(focus)} affecting the young person's identity, relationships, development and wellbeing, and does the recorded impact capture it?`
        : `The impact on identity, relationships, development and wellbeing is not recorded. How ${verb} ${n(focus)} affecting each of these?`,
      focus,
      1,
    );
  }
  const gaps = summary.picture.notExplored.filter((c) => c !== 'composite');
  if (gaps.length > 0 && explored.length > 0) {
    const gapText = namer.isNamed(gaps)
      ? 'Some areas were not explored (see above). Does that gap matter for this young person, and what would exploring it need?'
      : `${n(gaps)} ${gaps.length === 1 ? 'was' : 'were'} not explored. Does that gap matter for this young person, and what would exploring it need?`;
    add('analysis', 'not-explored', gapText, gaps);
  }
  if (strong.length > 0 && concerns.length > 0) {
    add('analysis', 'strengths-offset', `Which strengths in ${n(strong)} could offset the risks in ${n(concerns)}?`, [...strong, ...concerns]);
  }
  if (!prompts.some((p) => p.stage === 'analysis')) {
    add(
      'analysis',
      'whole-picture',
      explored.length > 0
        ? `Looking across ${n(ordered(explored))} and the offline picture together, what stands out, and what might the low ratings be missing?`
        : "Without the Cs explored, what is known from elsewhere (school, health, police, the family) about the young person's online life, and how does it sit with the offline picture?",
      explored.length > 0 ? explored : ['composite'],
    );
  }

  // Action planning: safety first, then the least restrictive, child-centred next steps.
  if (summary.safety.shown) {
    add(
      'action-planning',
      'safety-routes',
      summary.safety.done.length > 0
        ? "The routes to safety above apply. Is what has been done enough, and is anyone still to be told (police, the council's procedures, a national route)?"
        : 'The routes to safety above apply and nothing is recorded as done yet. Who makes the referral today, and is a strategy discussion needed?',
      focus,
      ALWAYS,
      true,
    );
  }
  add(
    'action-planning',
    'last-resort',
    `If limiting the young person's phone, apps or internet is being considered, what less restrictive step comes first? Removing digital access is a last resort and for as short a time as possible: it can cut the young person off from friends, school work and support, and expose them to peer abuse.`,
    focus,
    ALWAYS,
  );
  for (const c of pressing) {
    const action = ACTION_BY_C[c.id];
    // With a route to safety in play, how conduct such as sextortion is handled is a safety question too: never cut.
    const safety = c.id === 'conduct' && summary.safety.shown;
    if (action) add('action-planning', `c-${c.id}`, `${c.shortTitle}: ${action}`, [c.id], 2, safety);
  }
  const noSteps = pressing.filter((c) => !c.nextStepsRecorded).map((c) => c.id);
  if (noSteps.length > 0) {
    add(
      'action-planning',
      'next-steps-missing',
      `No next steps are recorded for ${n(ordered(noSteps))}. What should they be, and who owns each one?`,
      noSteps,
      1,
    );
  }
  for (const a of ageBandPrompts(summary)) add(a.stage, a.key, a.text, focus, 1);
  add(
    'action-planning',
    'worker-support-development',
    'What support do you need to carry this work, and what would help your own learning about online harm (a colleague, training, the guide)?',
    focus,
    ALWAYS,
  );
  add('action-planning', 'review', 'When will the plan be reviewed with the young person and family, and what would tell you it is working?', focus, 4);

  return SUPERVISION_STAGES.flatMap((stage) => {
    const inStage = prompts.filter((p) => p.stage === stage);
    const fixed = inStage.filter((p) => p.always || p.safety);
    const rest = inStage.filter((p) => !p.always && !p.safety);
    // Stable sort: equal priorities keep the order they were asked in (most pressing C first).
    const room = Math.max(0, MAX_PROMPTS_PER_STAGE - fixed.length);
    const kept = new Set([...fixed, ...[...rest].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)).slice(0, room)]);
    return inStage.filter((p) => kept.has(p));
  });
}
