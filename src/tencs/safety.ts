import { SAFETY_FLAG_LABELS, type AgeBand, type SafetyFlag } from './assessment.js';
import { ukDate } from './uk-dates.js';

/** The council's own safeguarding details, from configuration; each shown only when set. */
export interface LocalSafeguarding {
  /** The council's safeguarding procedures (https). */
  readonly proceduresUrl?: string | undefined;
  /** The out-of-hours (emergency duty) team's number. */
  readonly outOfHoursPhone?: string | undefined;
}

export type SafetyRouteId =
  | 'immediate-danger'
  | 'council-procedures'
  | 'adult-safeguarding'
  | 'ceop'
  | 'report-remove'
  | 'nca-sextortion'
  | 'ukcis-nudes'
  | 'prevent'
  | 'lado'
  | 'urgent-health';

/** One route to safety: what it is, and what it is for, in plain words. */
export interface SafetyRoute {
  readonly id: SafetyRouteId;
  readonly name: string;
  readonly purpose: string;
  /** A well-known address or number, when there is one. */
  readonly where: string;
}

/** The safety section of a summary; `shown` only when the picture calls for it. */
export interface SafetySection {
  readonly shown: boolean;
  /** Why the section appears: plain sentences in our own words (no practitioner text). */
  readonly reasons: readonly string[];
  readonly routes: readonly SafetyRoute[];
  /** What the practitioner recorded as done, with dates (includes their own words, user text). */
  readonly done: readonly string[];
  /** The practitioner's own words among `done` ('' when none), so a channel card can leave them out. */
  readonly doneText: string;
}

export interface SafetyInput {
  readonly flags: readonly SafetyFlag[];
  /** Any C, including the combined risk, rated high. */
  readonly anyHigh: boolean;
  readonly ageBand: AgeBand | undefined;
  readonly referralMadeOn: string;
  readonly strategyDiscussionOn: string;
  /** The practitioner's own words (user text). */
  readonly safetyDone: string;
}

const ADULT: readonly AgeBand[] = ['18-25'];

/**
 * The routes to safety that fit what was recorded: any high risk, or a safety tick on C10. Never
 * from free text. The routes are named in full every time; nothing caps or shortens them.
 */
export function safetySection(input: SafetyInput, local: LocalSafeguarding = {}): SafetySection {
  const flags = new Set(input.flags);
  const has = (f: SafetyFlag) => flags.has(f);
  const shown = input.anyHigh || flags.size > 0;
  const done = doneLines(input);
  if (!shown) return { shown: false, reasons: [], routes: [], done, doneText: input.safetyDone };

  const adult = input.ageBand !== undefined && ADULT.includes(input.ageBand);
  const reasons: string[] = [];
  if (input.anyHigh) reasons.push('Risk of harm is high in at least one C.');
  if (input.flags.length > 0) {
    const said = input.flags.map((f) => `${SAFETY_FLAG_LABELS[f].charAt(0).toLowerCase()}${SAFETY_FLAG_LABELS[f].slice(1)}`);
    reasons.push(`Recorded: ${said.join('; ')}.`);
  }

  const routes: SafetyRoute[] = [];
  routes.push({
    id: 'immediate-danger',
    name: 'Immediate danger',
    purpose: has('immediate-risk')
      ? 'Immediate risk is recorded: if the young person is in danger now, call the police on 999, then tell your manager.'
      : 'If the young person is in danger now, call the police on 999, then tell your manager.',
    where: '',
  });
  const outOfHours = local.outOfHoursPhone ? ` Out of hours: ${local.outOfHoursPhone}.` : '';
  routes.push({
    id: 'council-procedures',
    name: "The council's safeguarding procedures",
    purpose: `Agree with your manager today on a referral, and whether a strategy discussion is needed.${outOfHours}`,
    where: local.proceduresUrl ?? '',
  });
  if (adult && (has('exploitation') || has('sextortion') || has('images'))) {
    routes.push({
      id: 'adult-safeguarding',
      name: 'Adult safeguarding and the leaving care team',
      purpose:
        'At 18 or over, abuse or exploitation goes to the police (999 in an emergency, 101 otherwise) and to adult safeguarding; the personal adviser keeps the young person at the centre.',
      where: '',
    });
  }
  if ((has('images') || has('sextortion') || has('exploitation')) && !adult) {
    routes.push({
      id: 'ceop',
      name: 'CEOP (Child Exploitation and Online Protection, part of the National Crime Agency)',
      purpose: 'To report online sexual abuse or grooming of a child; young people can report too.',
      where: 'ceop.police.uk',
    });
  }
  if ((has('images') || has('sextortion')) && !adult) {
    routes.push({
      id: 'report-remove',
      name: 'Report Remove (Childline and the Internet Watch Foundation)',
      purpose: 'Helps a young person under 18 get nude images of themselves taken down.',
      where: 'childline.org.uk/report-remove',
    });
  }
  if (has('sextortion')) {
    routes.push({
      id: 'nca-sextortion',
      name: "The National Crime Agency's advice on financially motivated sextortion",
      purpose:
        'Do not pay, stop replying, keep the messages as evidence without sharing the images, and report. It is the blackmailer who is to blame, never the young person.',
      where: '',
    });
  }
  if (has('images') && !adult) {
    routes.push({
      id: 'ukcis-nudes',
      name: 'UKCIS guidance on sharing nudes and semi-nudes (education settings)',
      purpose: "How the school's safeguarding lead responds, so the young person is supported, not criminalised.",
      where: '',
    });
  }
  if (has('extremist-content')) {
    routes.push({
      id: 'prevent',
      name: 'Prevent',
      purpose: "For support when a young person may be drawn into extremism; talk to your council's Prevent lead or the police.",
      where: '',
    });
  }
  if (has('professional-involved')) {
    routes.push({
      id: 'lado',
      name: 'The LADO (Local Authority Designated Officer)',
      purpose: 'Must be told when someone who works with children may have harmed a child or may pose a risk to children.',
      where: '',
    });
  }
  if (has('self-harm')) {
    routes.push({
      id: 'urgent-health',
      name: 'Urgent health help',
      purpose:
        "If life is at risk, call 999 or go to A&E. Otherwise seek same-day help from the GP, NHS 111 or the local children and young people's mental health crisis service.",
      where: '999 or NHS 111',
    });
  }
  return { shown, reasons, routes, done, doneText: input.safetyDone };
}

function doneLines(input: SafetyInput): string[] {
  const done: string[] = [];
  if (input.referralMadeOn) done.push(`Referral made on ${ukDate(input.referralMadeOn)}.`);
  if (input.strategyDiscussionOn) done.push(`Strategy discussion held on ${ukDate(input.strategyDiscussionOn)}.`);
  if (input.safetyDone) done.push(input.safetyDone);
  return done;
}
