import { z } from 'zod';
import {
  AGE_BANDS,
  AGE_BAND_LABELS,
  CAnswerSchema,
  CompositeSchema,
  LIMITS,
  OFFLINE_FACTORS,
  OFFLINE_FACTOR_LABELS,
  PARTICIPANTS,
  PARTICIPANT_LABELS,
  RESILIENCE_LABELS,
  RESILIENCE_LEVELS,
  RISK_LABELS,
  RISK_LEVELS,
  HARM_FROM,
  HARM_FROM_LABELS,
  SAFETY_FLAGS,
  SAFETY_FLAG_LABELS,
  SetupSchema,
  isCStep,
  type Assessment,
  type CAnswer,
  type Composite,
  type Setup,
  type Step,
} from './assessment.js';
import { C_IDS, TEN_CS, TRIANGLE_DOMAINS, getC, type CId, type TriangleDomain } from './ten-cs.js';
import { wellFormed } from './well-formed.js';

/** A step whose card has inputs the practitioner fills in. */
export type FormStep = 'setup' | CId;

/** True for the steps that carry answers. */
export function isFormStep(step: Step): step is FormStep {
  return step === 'setup' || isCStep(step);
}

/** One input on a step's card, described once for the card, the validation and the conflict view. */
export interface FieldSpec {
  readonly id: string;
  readonly label: string;
  readonly kind: 'text' | 'choice' | 'multi' | 'date';
  readonly max?: number;
  readonly choices?: readonly { readonly title: string; readonly value: string }[];
}

const choices = <T extends string>(values: readonly T[], labels: Readonly<Record<T, string>>) => values.map((value) => ({ title: labels[value], value }));

/** What the inputs of a card hold, as Teams sends them: strings, multi-selects comma-joined. */
export type FormValues = Record<string, string>;

export const SETUP_FIELDS: readonly FieldSpec[] = [
  { id: 'caseRef', label: 'Case reference', kind: 'text', max: LIMITS.caseRef },
  { id: 'ageBand', label: "Young person's age", kind: 'choice', choices: choices(AGE_BANDS, AGE_BAND_LABELS) },
  { id: 'participants', label: 'Who took part', kind: 'multi', choices: choices(PARTICIPANTS, PARTICIPANT_LABELS) },
  { id: 'participantsOther', label: 'Others who took part (roles, not names)', kind: 'text', max: LIMITS.otherText },
  { id: 'assessedOn', label: 'Date of the conversation', kind: 'date' },
];

const STRENGTHS: FieldSpec = { id: 'strengths', label: 'Strengths and protective factors', kind: 'text', max: LIMITS.answerText };
const VULNERABILITIES: FieldSpec = { id: 'vulnerabilities', label: 'Vulnerabilities and risks', kind: 'text', max: LIMITS.answerText };
const RISK: FieldSpec = { id: 'risk', label: 'Risk of harm', kind: 'choice', choices: choices(RISK_LEVELS, RISK_LABELS) };
const RESILIENCE: FieldSpec = { id: 'resilience', label: 'Resilience', kind: 'choice', choices: choices(RESILIENCE_LEVELS, RESILIENCE_LABELS) };
const YOUNG_PERSON_VIEW: FieldSpec = { id: 'youngPersonView', label: "The young person's own view", kind: 'text', max: LIMITS.answerText };
const PARENT_VIEW: FieldSpec = { id: 'parentView', label: "The parent or carer's view", kind: 'text', max: LIMITS.answerText };
const NEXT_STEPS: FieldSpec = { id: 'nextSteps', label: 'Next steps: what will be done', kind: 'text', max: LIMITS.answerText };
/** The plan: the first next step (its "what" keeps the old "Next steps" box), who and by when, and one more. */
const PLAN_FIELDS: readonly FieldSpec[] = [
  NEXT_STEPS,
  { id: 'nextStepsWho', label: 'Who will do it (a role, optional)', kind: 'text', max: LIMITS.actionWho },
  { id: 'nextStepsBy', label: 'By when (optional)', kind: 'date' },
  { id: 'nextSteps2', label: 'Another next step (optional)', kind: 'text', max: LIMITS.actionWhat },
  { id: 'nextSteps2Who', label: 'Who takes the other step (optional)', kind: 'text', max: LIMITS.actionWho },
  { id: 'nextSteps2By', label: 'Other step by when (optional)', kind: 'date' },
];

export const C_FIELDS: readonly FieldSpec[] = [STRENGTHS, VULNERABILITIES, RISK, RESILIENCE, YOUNG_PERSON_VIEW, PARENT_VIEW, ...PLAN_FIELDS];

/** The Triangle input on C10 for one C: which domains it touches (shown only for the Cs of concern). */
export const triangleFieldId = (c: CId): string => `tri-${c}`;
const AREA_IDS = C_IDS.filter((c) => c !== 'composite');
/** Short values keep the C10 card inside Teams' size limit with a Triangle input for each of nine Cs. */
export const DOMAIN_CODES: Readonly<Record<TriangleDomain, string>> = { 'developmental-needs': 'd', 'parenting-capacity': 'p', 'family-environment': 'f' };
export const DOMAIN_SHORT_LABELS: Readonly<Record<TriangleDomain, string>> = {
  'developmental-needs': 'Developmental needs',
  'parenting-capacity': 'Parenting capacity',
  'family-environment': 'Family and environment',
};
const DOMAIN_CHOICES = TRIANGLE_DOMAINS.map((d) => ({ title: DOMAIN_SHORT_LABELS[d], value: DOMAIN_CODES[d] }));
export const TRIANGLE_CONFIRMED = 'confirmed';

/** C10 asks about the combined picture instead of this C's own vulnerabilities. */
export const COMPOSITE_FIELDS: readonly FieldSpec[] = [
  { id: 'offlineFactors', label: 'Offline factors present', kind: 'multi', choices: choices(OFFLINE_FACTORS, OFFLINE_FACTOR_LABELS) },
  { id: 'offlineOther', label: 'Other offline factors, in your words', kind: 'text', max: LIMITS.otherText },
  { id: 'analysis', label: 'Your analysis of how the risks combine', kind: 'text', max: LIMITS.analysisText },
  { id: 'impact', label: "Impact on the young person's identity, relationships, development and wellbeing", kind: 'text', max: LIMITS.answerText },
  { ...STRENGTHS, label: 'Strengths that could offset the combined risks' },
  { ...RISK, label: 'Overall risk of harm from the combined risks' },
  { ...RESILIENCE, label: 'Overall resilience' },
  YOUNG_PERSON_VIEW,
  PARENT_VIEW,
  ...PLAN_FIELDS.slice(0, 3),
  { id: 'safetyFlags', label: 'Recorded in this assessment', kind: 'multi', choices: choices(SAFETY_FLAGS, SAFETY_FLAG_LABELS) },
  { id: 'harmFrom', label: 'Who is harming or pressuring the young person, as far as you know', kind: 'multi', choices: choices(HARM_FROM, HARM_FROM_LABELS) },
  { id: 'referralMadeOn', label: 'Referral made on (optional)', kind: 'date' },
  { id: 'strategyDiscussionOn', label: 'Strategy discussion held on (optional)', kind: 'date' },
  { id: 'safetyDone', label: 'Other steps taken to keep the young person safe, and when', kind: 'text', max: LIMITS.otherText },
  ...AREA_IDS.map((c): FieldSpec => ({
    id: triangleFieldId(c),
    label: `${getC(c).shortTitle} on the Assessment Triangle`,
    kind: 'multi',
    choices: DOMAIN_CHOICES,
  })),
  {
    id: 'triangleConfirmed',
    label: 'Triangle placement',
    kind: 'multi',
    choices: [{ title: 'I have checked where these concerns sit on the Assessment Triangle', value: TRIANGLE_CONFIRMED }],
  },
];

/** The inputs a step's card always shows: C10 shows a Triangle input only for the Cs of concern. */
export function alwaysShownFields(step: FormStep): readonly FieldSpec[] {
  const triangle = new Set(AREA_IDS.map(triangleFieldId));
  return fieldsFor(step).filter((f) => !triangle.has(f.id));
}

/** The inputs on the card for this step. */
export function fieldsFor(step: FormStep): readonly FieldSpec[] {
  if (step === 'setup') return SETUP_FIELDS;
  return step === 'composite' ? COMPOSITE_FIELDS : C_FIELDS;
}

const inputValue = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.string())])
  .optional()
  .transform((v) => wellFormed(v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v)));

/** Picks this step's inputs out of card data (client-controlled), as strings. */
export function readForm(step: FormStep, data: Record<string, unknown>): FormValues {
  const form: FormValues = {};
  // A conflict card carries some inputs in its button's data ("carried"); inputs on the card win.
  const carried = data.carried && typeof data.carried === 'object' && !Array.isArray(data.carried) ? (data.carried as Record<string, unknown>) : {};
  for (const field of fieldsFor(step)) {
    const parsed = inputValue.safeParse(data[field.id] ?? carried[field.id]);
    form[field.id] = parsed.success ? parsed.data : '';
  }
  return form;
}

const splitList = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** What a valid form means for the assessment. */
export type StepValue =
  | { readonly kind: 'setup'; readonly setup: Setup }
  | { readonly kind: 'c'; readonly id: CId; readonly answer: CAnswer }
  | { readonly kind: 'composite'; readonly answer: CAnswer; readonly composite: Composite };

/** The result of checking a form: its value, or readable messages (the form itself is kept by the caller). */
export type FormCheck = { readonly ok: true; readonly value: StepValue } | { readonly ok: false; readonly errors: readonly string[] };

function messages(error: z.ZodError, form: FormValues): string[] {
  return error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const typed = form[field];
    if (issue.code === 'too_big' && issue.type === 'string' && typed !== undefined) {
      return `${issue.message} It is ${typed.length} now; please shorten it (your text is still in the box).`;
    }
    return issue.message;
  });
}

function textBytes(step: FormStep, form: FormValues): number {
  return fieldsFor(step)
    .filter((f) => f.kind === 'text')
    .reduce((sum, f) => sum + Buffer.byteLength(form[f.id] ?? '', 'utf8'), 0);
}

/** The optional plan inputs as the answer stores them: present only when something was given. */
function planFromForm(form: FormValues): Partial<CAnswer> {
  const out: { nextStepsWho?: string; nextStepsBy?: string; moreSteps?: { what: string; who: string; by: string }[] } = {};
  if (form.nextStepsWho) out.nextStepsWho = form.nextStepsWho;
  if (form.nextStepsBy) out.nextStepsBy = form.nextStepsBy;
  if (form.nextSteps2 || form.nextSteps2Who || form.nextSteps2By) {
    out.moreSteps = [{ what: form.nextSteps2 ?? '', who: form.nextSteps2Who ?? '', by: form.nextSteps2By ?? '' }];
  }
  return out;
}

/** The C10 safety and Triangle inputs as the composite stores them: present only when given. */
function safetyFromForm(form: FormValues): Partial<Composite> {
  const out: Record<string, unknown> = {};
  const flags = splitList(form.safetyFlags);
  if (flags.length > 0) out.safetyFlags = flags;
  const harmFrom = splitList(form.harmFrom);
  if (harmFrom.length > 0) out.harmFrom = harmFrom;
  if (form.referralMadeOn) out.referralMadeOn = form.referralMadeOn;
  if (form.strategyDiscussionOn) out.strategyDiscussionOn = form.strategyDiscussionOn;
  if (form.safetyDone) out.safetyDone = form.safetyDone;
  const domainsOf = new Map(AREA_IDS.map((c) => [c, splitList(form[triangleFieldId(c)])]));
  if ([...domainsOf.values()].some((ds) => ds.length > 0)) {
    out.triangle = Object.fromEntries(TRIANGLE_DOMAINS.map((d) => [d, AREA_IDS.filter((c) => domainsOf.get(c)?.includes(DOMAIN_CODES[d]))]));
  }
  if (splitList(form.triangleConfirmed).includes(TRIANGLE_CONFIRMED)) out.triangleConfirmed = true;
  return out;
}

/** Checks a form against the assessment schema, with messages a practitioner can act on. */
export function checkForm(step: FormStep, form: FormValues, skipped = false): FormCheck {
  const errors: string[] = [];
  let value: StepValue | undefined;
  if (step === 'setup') {
    const parsed = SetupSchema.safeParse({ ...form, participants: splitList(form.participants), ageBand: form.ageBand || undefined });
    if (parsed.success) value = { kind: 'setup', setup: parsed.data };
    else errors.push(...messages(parsed.error, form));
  } else {
    const answer = CAnswerSchema.safeParse({
      strengths: form.strengths,
      vulnerabilities: form.vulnerabilities ?? '',
      risk: form.risk || undefined,
      resilience: form.resilience || undefined,
      youngPersonView: form.youngPersonView,
      parentView: form.parentView,
      nextSteps: form.nextSteps,
      ...planFromForm(form),
      skipped,
    });
    if (!answer.success) errors.push(...messages(answer.error, form));
    if (step === 'composite') {
      const composite = CompositeSchema.safeParse({
        offlineFactors: splitList(form.offlineFactors),
        offlineOther: form.offlineOther,
        analysis: form.analysis,
        impact: form.impact,
        ...safetyFromForm(form),
      });
      if (!composite.success) errors.push(...messages(composite.error, form));
      else if (answer.success) value = { kind: 'composite', answer: answer.data, composite: composite.data };
    } else if (answer.success) {
      value = { kind: 'c', id: step, answer: answer.data };
    }
  }
  const bytes = textBytes(step, form);
  if (errors.length === 0 && bytes > LIMITS.cardTextBytes) {
    errors.push(
      'Together, the answers on this card are too long for Teams to show on one card (symbols and letters outside plain English take more room). Please shorten one or two of them; your text is still in the boxes.',
    );
  }
  if (errors.length > 0 || !value) return { ok: false, errors };
  return { ok: true, value };
}

/** True when a C answer holds nothing: no text, no judgement, not marked skipped. */
export function isBlankAnswer(answer: CAnswer): boolean {
  return (
    !answer.skipped &&
    answer.risk === 'not-explored' &&
    answer.resilience === 'not-explored' &&
    [
      answer.strengths,
      answer.vulnerabilities,
      answer.youngPersonView,
      answer.parentView,
      answer.nextSteps,
      answer.nextStepsWho ?? '',
      answer.nextStepsBy ?? '',
    ].every((t) => t === '') &&
    (answer.moreSteps ?? []).length === 0
  );
}

function isBlankComposite(composite: Composite): boolean {
  return (
    composite.offlineFactors.length === 0 &&
    [
      composite.offlineOther,
      composite.analysis,
      composite.impact,
      composite.safetyDone ?? '',
      composite.referralMadeOn ?? '',
      composite.strategyDiscussionOn ?? '',
    ].every((t) => t === '') &&
    (composite.safetyFlags ?? []).length === 0 &&
    (composite.harmFrom ?? []).length === 0 &&
    composite.triangle === undefined &&
    !composite.triangleConfirmed
  );
}

/** The step's stored value in the same shape `checkForm` gives, blank answers counted as absent. */
function storedValue(a: Assessment, step: FormStep): unknown {
  if (step === 'setup') return a.setup;
  if (step === 'composite') return { answer: a.answers.composite, composite: a.composite };
  return a.answers[step];
}

function candidateValue(value: StepValue): unknown {
  if (value.kind === 'setup') return value.setup;
  if (value.kind === 'composite') {
    return {
      answer: isBlankAnswer(value.answer) ? undefined : value.answer,
      composite: isBlankComposite(value.composite) ? undefined : value.composite,
    };
  }
  return isBlankAnswer(value.answer) ? undefined : value.answer;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
}

/** True when writing this value would change nothing that is stored for the step. */
export function sameAsStored(a: Assessment, value: StepValue): boolean {
  const step: FormStep = value.kind === 'setup' ? 'setup' : value.kind === 'composite' ? 'composite' : value.id;
  return canonical(storedValue(a, step)) === canonical(candidateValue(value));
}

/** The assessment with this step's value applied (blank answers are removed rather than stored). */
export function applyValue(a: Assessment, value: StepValue): Assessment {
  if (value.kind === 'setup') return { ...a, setup: value.setup };
  const id: CId = value.kind === 'composite' ? 'composite' : value.id;
  const answers = { ...a.answers };
  if (isBlankAnswer(value.answer)) delete answers[id];
  else answers[id] = value.answer;
  if (value.kind === 'c') return { ...a, answers };
  const { composite: _dropped, ...rest } = a;
  return isBlankComposite(value.composite) ? { ...rest, answers } : { ...rest, answers, composite: value.composite };
}

/** The form a card shows for what is stored (empty inputs where nothing is). */
export function formFromAssessment(a: Assessment, step: FormStep): FormValues {
  if (step === 'setup') {
    const s = a.setup;
    return {
      caseRef: s?.caseRef ?? '',
      ageBand: s?.ageBand ?? '',
      participants: (s?.participants ?? []).join(','),
      participantsOther: s?.participantsOther ?? '',
      assessedOn: s?.assessedOn ?? '',
    };
  }
  const answer = a.answers[step];
  const form: FormValues = {
    strengths: answer?.strengths ?? '',
    vulnerabilities: answer?.vulnerabilities ?? '',
    risk: answer?.risk ?? 'not-explored',
    resilience: answer?.resilience ?? 'not-explored',
    youngPersonView: answer?.youngPersonView ?? '',
    parentView: answer?.parentView ?? '',
    nextSteps: answer?.nextSteps ?? '',
    nextStepsWho: answer?.nextStepsWho ?? '',
    nextStepsBy: answer?.nextStepsBy ?? '',
    nextSteps2: answer?.moreSteps?.[0]?.what ?? '',
    nextSteps2Who: answer?.moreSteps?.[0]?.who ?? '',
    nextSteps2By: answer?.moreSteps?.[0]?.by ?? '',
  };
  if (step !== 'composite') return form;
  const c = a.composite;
  const placement = c?.triangle ?? suggestedPlacement(a);
  return {
    ...form,
    offlineFactors: (c?.offlineFactors ?? []).join(','),
    offlineOther: c?.offlineOther ?? '',
    analysis: c?.analysis ?? '',
    impact: c?.impact ?? '',
    safetyFlags: (c?.safetyFlags ?? []).join(','),
    harmFrom: (c?.harmFrom ?? []).join(','),
    referralMadeOn: c?.referralMadeOn ?? '',
    strategyDiscussionOn: c?.strategyDiscussionOn ?? '',
    safetyDone: c?.safetyDone ?? '',
    ...Object.fromEntries(
      AREA_IDS.map((id) => [
        triangleFieldId(id),
        TRIANGLE_DOMAINS.filter((d) => placement[d].includes(id))
          .map((d) => DOMAIN_CODES[d])
          .join(','),
      ]),
    ),
    triangleConfirmed: c?.triangleConfirmed ? TRIANGLE_CONFIRMED : '',
  };
}

/**
 * The guide's suggestion of where each concern (medium or high risk, or low resilience) sits on the
 * Assessment Triangle. Only ever a suggestion that pre-fills C10: the summary shows the practitioner's
 * confirmed placement, never this.
 */
export function suggestedPlacement(a: Assessment): Record<TriangleDomain, CId[]> {
  const flagged = C_IDS.filter((id) => {
    const x = a.answers[id];
    return id !== 'composite' && x !== undefined && (x.risk === 'medium' || x.risk === 'high' || x.resilience === 'low');
  });
  return Object.fromEntries(
    TRIANGLE_DOMAINS.map((d) => [d, TEN_CS.filter((c) => flagged.includes(c.id) && c.triangle.includes(d)).map((c) => c.id)]),
  ) as Record<TriangleDomain, CId[]>;
}

/** The first line of a text, at most `max` characters, with an ellipsis when it was shortened for display. */
export function firstLine(text: string, max = 80): string {
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  const chars = [...line];
  const more = chars.length > max || text.trim() !== line;
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : more ? `${line} …` : line;
}
