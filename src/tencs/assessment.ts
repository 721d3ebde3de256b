import { createHash } from 'node:crypto';
import { z } from 'zod';
import { C_IDS, type CId } from './ten-cs.js';

/**
 * Length limits for free text. Chosen so one assessment entity (every text field encrypted,
 * base64, stored as UTF-16) stays inside Table Storage's 64 KiB per property and 1 MiB per entity,
 * and a C card with every field at its limit stays inside Teams' 28 KB.
 */
export const LIMITS = {
  answerText: 2000,
  analysisText: 3000,
  caseRef: 40,
  otherText: 300,
  /** Who takes a next step: a role, not a name. */
  actionWho: 120,
  /** A second next step on a card (the first keeps the answer limit, so older plans stay readable). */
  actionWhat: 500,
  /**
   * UTF-8 bytes of free text one card may carry back to Teams. Plain English at every character
   * limit stays well inside it; it only bites when most characters are multi-byte, and then the
   * practitioner is asked to shorten rather than the card failing to send.
   */
  cardTextBytes: 13.5 * 1024,
} as const;

export const RISK_LEVELS = ['not-explored', 'none-evident', 'low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RISK_LABELS: Readonly<Record<RiskLevel, string>> = {
  'not-explored': 'Not explored',
  'none-evident': 'None evident',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

export const RESILIENCE_LEVELS = ['not-explored', 'low', 'some', 'strong'] as const;
export type ResilienceLevel = (typeof RESILIENCE_LEVELS)[number];
export const RESILIENCE_LABELS: Readonly<Record<ResilienceLevel, string>> = {
  'not-explored': 'Not explored',
  low: 'Low',
  some: 'Some',
  strong: 'Strong',
};

export const AGE_BANDS = ['under-8', '8-10', '11-13', '14-15', '16-17', '18-25'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const AGE_BAND_LABELS: Readonly<Record<AgeBand, string>> = {
  'under-8': 'Under 8',
  '8-10': '8 to 10',
  '11-13': '11 to 13',
  '14-15': '14 to 15',
  '16-17': '16 to 17',
  '18-25': '18 to 25 (care leaver)',
};

export const PARTICIPANTS = ['young-person', 'parent-carer', 'other-family', 'professional'] as const;
export type Participant = (typeof PARTICIPANTS)[number];
export const PARTICIPANT_LABELS: Readonly<Record<Participant, string>> = {
  'young-person': 'Young person',
  'parent-carer': 'Parent or carer',
  'other-family': 'Other family member',
  professional: 'Other professional (school, health, police)',
};

export const OFFLINE_FACTORS = [
  'domestic-abuse',
  'parental-mental-health',
  'substance-misuse',
  'neglect',
  'exploitation',
  'send',
  'young-person-mental-health',
  'going-missing',
] as const;
export type OfflineFactor = (typeof OFFLINE_FACTORS)[number];
export const OFFLINE_FACTOR_LABELS: Readonly<Record<OfflineFactor, string>> = {
  'domestic-abuse': 'Domestic abuse',
  'parental-mental-health': 'Parental mental ill-health',
  'substance-misuse': 'Parental substance or alcohol misuse',
  neglect: 'Neglect',
  exploitation: 'Sexual or criminal exploitation concerns',
  send: 'Special educational needs or disability',
  'young-person-mental-health': "Young person's own mental health",
  'going-missing': 'Going missing',
};

/** Pseudonymous case reference: letters, digits and dashes; never a name. */
export const CaseRefSchema = z
  .string()
  .trim()
  .min(2, 'Case reference needs at least 2 characters.')
  .max(LIMITS.caseRef, `Case reference can be at most ${LIMITS.caseRef} characters.`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'Case reference can only use letters, digits and dashes (no spaces, no names).');

const answerText = (label: string, max: number = LIMITS.answerText) => z.string().max(max, `${label} can be at most ${max} characters.`);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must be in the form YYYY-MM-DD.');
/** An optional date: '' when not given. */
const optionalDate = z.union([z.literal(''), isoDate]).default('');

/** One more next step after the first: what, who (a role) and by when. */
export const PlanStepSchema = z.object({
  what: answerText('Next step', LIMITS.actionWhat),
  who: answerText('Who will do it', LIMITS.actionWho).default(''),
  by: optionalDate,
});
export type PlanStep = z.infer<typeof PlanStepSchema>;

export const CAnswerSchema = z.object({
  strengths: answerText('Strengths and protective factors').default(''),
  vulnerabilities: answerText('Vulnerabilities and risks').default(''),
  risk: z.enum(RISK_LEVELS).default('not-explored'),
  resilience: z.enum(RESILIENCE_LEVELS).default('not-explored'),
  youngPersonView: answerText("The young person's view").default(''),
  parentView: answerText("The parent or carer's view").default(''),
  /** The first next step: what will be done. Plain "next steps" text from before the plan had who and when. */
  nextSteps: answerText('Next steps').default(''),
  /** Who takes the first next step (a role); optional. */
  nextStepsWho: answerText('Who will do it', LIMITS.actionWho).optional(),
  /** By when the first next step is due (YYYY-MM-DD); optional. */
  nextStepsBy: z.union([z.literal(''), isoDate]).optional(),
  /** Further next steps, each with who and by when. */
  moreSteps: z.array(PlanStepSchema).max(2).optional(),
  skipped: z.boolean().default(false),
});
export type CAnswer = z.infer<typeof CAnswerSchema>;

/** A C with nothing recorded yet: what a C reads as before its first save. */
export const EMPTY_ANSWER: CAnswer = {
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
 * What the practitioner recorded that calls for routes to safety. Ticked by the practitioner on C10;
 * never guessed from free text.
 */
export const SAFETY_FLAGS = ['immediate-risk', 'images', 'sextortion', 'exploitation', 'extremist-content', 'self-harm', 'professional-involved'] as const;
export type SafetyFlag = (typeof SAFETY_FLAGS)[number];
export const SAFETY_FLAG_LABELS: Readonly<Record<SafetyFlag, string>> = {
  'immediate-risk': 'Immediate risk to the young person',
  images: 'Nude or sexual images shared or demanded',
  sextortion: 'Threats for money or more images (sextortion)',
  exploitation: 'Sexual or criminal exploitation',
  'extremist-content': 'Extremist content',
  'self-harm': 'Self-harm or suicidal thoughts',
  'professional-involved': 'Someone who works with children is involved',
};

/** Who is harming or pressuring the young person, as far as the practitioner knows; never guessed. */
export const HARM_FROM = ['peers', 'adult', 'not-known'] as const;
export type HarmFrom = (typeof HARM_FROM)[number];
export const HARM_FROM_LABELS: Readonly<Record<HarmFrom, string>> = {
  peers: 'Other young people',
  adult: 'An adult',
  'not-known': 'Not known yet',
};

/** Where the practitioner places each concern on the Assessment Triangle (ids of Cs per domain). */
const placedCs = z.array(z.enum(C_IDS)).max(C_IDS.length).default([]);
export const TrianglePlacementSchema = z.object({
  'developmental-needs': placedCs,
  'parenting-capacity': placedCs,
  'family-environment': placedCs,
});
export type TrianglePlacement = z.infer<typeof TrianglePlacementSchema>;

/** Extra answers on C10, the composite picture. */
export const CompositeSchema = z.object({
  offlineFactors: z.array(z.enum(OFFLINE_FACTORS)).max(OFFLINE_FACTORS.length).default([]),
  offlineOther: answerText('Other offline factors', LIMITS.otherText).default(''),
  analysis: answerText('Your analysis of how the risks combine', LIMITS.analysisText).default(''),
  impact: answerText('Impact on identity, relationships, development and wellbeing').default(''),
  // The fields below came after the first release: optional, so older assessments (and callers) stay valid.
  safetyFlags: z.array(z.enum(SAFETY_FLAGS)).max(SAFETY_FLAGS.length).optional(),
  harmFrom: z.array(z.enum(HARM_FROM)).max(HARM_FROM.length).optional(),
  /** The practitioner's own placement of concerns on the Triangle; only shown once confirmed. */
  triangle: TrianglePlacementSchema.optional(),
  triangleConfirmed: z.boolean().optional(),
  /** When a referral to children's social care or the police was made (YYYY-MM-DD), if it was. */
  referralMadeOn: z.union([z.literal(''), isoDate]).optional(),
  /** When a strategy discussion was held (YYYY-MM-DD), if it was. */
  strategyDiscussionOn: z.union([z.literal(''), isoDate]).optional(),
  /** Other steps taken to keep the young person safe, and when, in the practitioner's words. */
  safetyDone: answerText('Other steps taken to keep the young person safe', LIMITS.otherText).optional(),
});
export type Composite = z.infer<typeof CompositeSchema>;

export const STEPS = ['cautions', 'setup', ...C_IDS, 'review', 'complete'] as const;
export type Step = (typeof STEPS)[number];

/** An assessment id: 13 digits of inverted creation time (newest sorts first), a dash, 12 id characters. */
export const ASSESSMENT_ID_PATTERN = /^\d{13}-[A-Za-z0-9_-]{12}$/;

export const STATUSES = ['in-progress', 'completed'] as const;
export type Status = (typeof STATUSES)[number];

export const SetupSchema = z.object({
  caseRef: CaseRefSchema,
  ageBand: z.enum(AGE_BANDS, { message: "Choose the young person's age band." }),
  participants: z.array(z.enum(PARTICIPANTS)).min(1, 'Choose at least one person who took part.'),
  participantsOther: answerText('Others who took part', LIMITS.otherText).default(''),
  assessedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Date must be in the form YYYY-MM-DD.'),
});
export type Setup = z.infer<typeof SetupSchema>;

const answersShape = Object.fromEntries(C_IDS.map((id) => [id, CAnswerSchema.optional()])) as Record<CId, z.ZodOptional<typeof CAnswerSchema>>;

/** A whole assessment as the domain sees it (decrypted, validated). */
export const AssessmentSchema = z.object({
  id: z.string().min(1),
  tenantId: z.string().min(1),
  ownerId: z.string().min(1),
  status: z.enum(STATUSES),
  step: z.enum(STEPS),
  cautionsAcknowledged: z.boolean(),
  setup: SetupSchema.optional(),
  answers: z.object(answersShape),
  composite: CompositeSchema.optional(),
  rev: z.number().int().nonnegative(),
  /** The `rev` each step was last written at, so a stale card conflicts only when its own step changed. */
  stepRevs: z.record(z.string(), z.number().int().nonnegative()).default({}),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().optional(),
  /**
   * Answers carried over from an earlier assessment of the case and not yet confirmed or changed:
   * the C id (or 'composite') and the YYYY-MM-DD day they were given. Saving that step clears its mark.
   */
  carried: z.record(z.string(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional(),
  /** The earlier assessment this one was started from, when it is a reassessment. */
  previousId: z.string().regex(ASSESSMENT_ID_PATTERN).optional(),
  /** The YYYY-MM-DD day chosen for the next review when the assessment was completed. */
  reviewOn: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type Assessment = z.infer<typeof AssessmentSchema>;

/** The step after this one in the guided flow. */
export function nextStep(step: Step): Step {
  const i = STEPS.indexOf(step);
  return STEPS[Math.min(i + 1, STEPS.length - 1)]!;
}

/** The step before this one; never goes back past setup once cautions are acknowledged. */
export function previousStep(step: Step): Step {
  const i = STEPS.indexOf(step);
  return STEPS[Math.max(i - 1, 1)]!;
}

/** True when the step is one of the ten Cs. */
export function isCStep(step: Step): step is CId {
  return (C_IDS as readonly string[]).includes(step);
}

const MAX_MS = 9_999_999_999_999;

/** The id for an assessment created by this activity: the same activity always gives the same id. */
export function assessmentIdFor(activityId: string, at: Date): string {
  const inverted = String(MAX_MS - at.getTime()).padStart(13, '0');
  const suffix = createHash('sha256').update(activityId, 'utf8').digest('base64url').slice(0, 12);
  return `${inverted}-${suffix}`;
}
