import { z } from 'zod';
import type { ResilienceLevel, RiskLevel } from '../tencs/assessment.js';
import { SUPERVISION_STAGES, SUPERVISION_STAGE_LABELS, type SupervisionPrompt } from '../tencs/supervision-prompts.js';
import { excerpt, type AssessmentSummary } from '../tencs/summary.js';
import { ASSESSMENT_ID_PATTERN } from '../tencs/assessment.js';
import { NOTE_MAX_CHARS, SHARE_ID_PATTERN, TEAM_ID_PATTERN } from '../tencs/sharing.js';
import { wellFormed } from '../tencs/well-formed.js';
import { planLine } from '../tencs/case-record.js';
import { getC } from '../tencs/ten-cs.js';
import { ukDate } from '../tencs/uk-dates.js';
import { CardTooLargeError, renderCard, type AdaptiveCardJson } from './render.js';

export { NOTE_MAX_CHARS };
/** Notes shown on the channel card, newest first; older ones are counted, and all are kept. */
export const NOTES_SHOWN = 3;
/** Display names are shown up to this length. */
const NAME_MAX_CHARS = 80;
/** Acknowledgements named on the card; the rest are counted. */
export const ACKS_SHOWN = 8;

/**
 * Card action data carrying an assessment id (client-controlled: ownership is checked on the server).
 * Every id is checked against the shape tencs or Teams gives it before it is used, stored or logged.
 */
export const AssessmentActionData = z.object({ assessmentId: z.string().regex(ASSESSMENT_ID_PATTERN) });
/** Card action data carrying a share id. */
export const ShareActionData = z.object({ shareId: z.string().regex(SHARE_ID_PATTERN) });
/** "Save note": the share and the note typed in the card (lone surrogates made U+FFFD, as storage would). */
export const NoteActionData = ShareActionData.extend({ note: z.string().default('').transform(wellFormed) });
/** "Post": the assessment and the chosen team (none chosen yet is ''). */
export const PostActionData = AssessmentActionData.extend({
  teamId: z.union([z.literal(''), z.string().regex(TEAM_ID_PATTERN)]).default(''),
  /** The people picker's answer: comma-separated Entra object ids (checked by parseSupervisorPicks). */
  supervisors: z
    .union([
      z.string().max(2000),
      z
        .array(z.string().max(64))
        .max(20)
        .transform((ids) => ids.join(',')),
      z.null().transform(() => ''),
    ])
    .default(''),
});

/** Container styles Teams maps for light, dark and high-contrast themes; the words always say the same. */
const RISK_STYLE: Readonly<Record<RiskLevel, string>> = {
  high: 'attention',
  medium: 'warning',
  low: 'accent',
  'none-evident': 'good',
  'not-explored': 'emphasis',
};
const RESILIENCE_STYLE: Readonly<Record<ResilienceLevel, string>> = {
  strong: 'good',
  some: 'accent',
  low: 'warning',
  'not-explored': 'emphasis',
};

/** An acknowledgement as the card shows it. */
export interface AckView {
  readonly name: string;
  readonly at: string;
}

/** A supervision note as the card shows it. */
export interface NoteView {
  readonly author: string;
  readonly at: string;
  readonly text: string;
}

/** Where the card is shown: the practitioner's own preview, or the thread in a team channel. */
export type SummaryCardMode =
  | { readonly kind: 'preview'; readonly assessmentId: string }
  | {
      readonly kind: 'channel';
      readonly shareId: string;
      readonly sharedBy: string;
      readonly acks: readonly AckView[];
      /** Newest first. */
      readonly notes: readonly NoteView[];
      /**
       * The named supervisors' own view (issue 15 part 6): the young person's and parent's words, the
       * plan and what was done. Off for the card everyone in the channel sees.
       */
      readonly fullView?: boolean;
      /** Acknowledge and Add a supervision note: only on a named supervisor's own view. */
      readonly canSupervise?: boolean;
      /** Teams user ids (MRIs) the card refreshes for (user-specific views); empty for none named. */
      readonly refreshUserIds?: readonly string[];
    };

/** How much the card shows; FULL_SHAPE unless the card would be over Teams' size limit. */
interface CardShape {
  readonly analysis: number;
  readonly impact: number;
  readonly other: number;
  readonly strength: number;
  readonly note: number;
  readonly notesShown: number;
  readonly acksShown: number;
  readonly promptsPerStage: number;
  /** Each young person's or parent's view, and each next step. */
  readonly voice: number;
  readonly step: number;
  /** How many Cs' views and how many next steps the card lists; the rest are counted (all are in the case record copy). */
  readonly voicesShown: number;
  readonly stepsShown: number;
}

const FULL_SHAPE: CardShape = {
  analysis: 3000,
  impact: 2000,
  other: 300,
  strength: 160,
  note: NOTE_MAX_CHARS,
  notesShown: NOTES_SHOWN,
  acksShown: ACKS_SHOWN,
  promptsPerStage: 5,
  voice: 600,
  step: 400,
  voicesShown: 10,
  stepsShown: 30,
};

/**
 * Ways to make the card smaller, least loss first: fewer older notes and names on the card (all are
 * kept in storage), then fewer prompts per stage, and only then visibly shortened free text.
 */
const SHRINK_STEPS: readonly ((s: CardShape) => CardShape)[] = [
  (s) => ({ ...s, notesShown: 2, acksShown: 4 }),
  (s) => ({ ...s, promptsPerStage: 3, notesShown: 1, strength: 100, voice: 300, step: 200 }),
  (s) => ({ ...s, promptsPerStage: 2, strength: 60, note: 500, voice: 200, step: 150 }),
  (s) => ({ ...s, analysis: 1500, impact: 1000, other: 150, note: 250, voice: 120, step: 100 }),
  (s) => ({ ...s, analysis: 700, impact: 500, other: 80, note: 120, strength: 40, promptsPerStage: 1, voice: 80, step: 80 }),
  (s) => ({ ...s, analysis: 300, impact: 200, other: 40, note: 60, acksShown: 1, voice: 40, step: 50 }),
  (s) => ({ ...s, voice: 20, step: 30, strength: 20, voicesShown: 6, stepsShown: 8 }),
  (s) => ({ ...s, voicesShown: 3, stepsShown: 4 }),
];

/** "Name (when); Name (when)" for acknowledgements, newest first, with a count of any not named. */
export function ackNamesLine(acks: readonly AckView[], shown = ACKS_SHOWN): string {
  return ackLine(acks, shown);
}

/** A readable UTC time for acknowledgements and notes; shown in a TextRun, so no card date functions. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]!} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

/** "Name (when); Name (when)", newest first, with a count of any not named. */
function ackLine(acks: readonly AckView[], shown: number): string {
  const named = acks.slice(0, shown).map((a) => `${excerpt(a.name, NAME_MAX_CHARS).text} (${formatWhen(a.at)})`);
  const more = acks.length - named.length;
  return more > 0 ? `${named.join('; ')}; and ${more} more` : named.join('; ');
}

function clip(text: string, max: number, why: string): string {
  const e = excerpt(text, max);
  return e.shortened ? `${e.text} (${why})` : e.text;
}

const IN_CASE_RECORD = 'shortened to fit Teams; the full text is in the case record copy';

/**
 * At most `n` prompts, order preserved. Always-asked and safety prompts are never cut, whatever `n`
 * (the cap only ever trims the others).
 */
function keepFirst(prompts: readonly SupervisionPrompt[], n: number): SupervisionPrompt[] {
  const fixed = prompts.filter((p) => p.always || p.safety);
  const rest = prompts.filter((p) => !p.always && !p.safety).slice(0, Math.max(0, n - fixed.length));
  const kept = new Set([...fixed, ...rest]);
  return prompts.filter((p) => kept.has(p));
}

function stagesOf(prompts: readonly SupervisionPrompt[], perStage: number) {
  return SUPERVISION_STAGES.map((stage) => ({
    title: SUPERVISION_STAGE_LABELS[stage].title,
    aim: SUPERVISION_STAGE_LABELS[stage].aim,
    // Prompts come most important first within a stage only for the always-asked ones; keep those.
    prompts: keepFirst(
      prompts.filter((p) => p.stage === stage),
      perStage,
    ).map((p) => ({ text: p.text })),
  })).filter((s) => s.prompts.length > 0);
}

/** The data cards/summary.json expands: the summary, its map, the prompts and, in a channel, acks and notes. */
export function summaryCardData(
  summary: AssessmentSummary,
  prompts: readonly SupervisionPrompt[],
  mode: SummaryCardMode,
  shape: CardShape = FULL_SHAPE,
): object {
  const factParts = [summary.ageBandLabel && `Age band ${summary.ageBandLabel}`, summary.assessedOn && `assessed on ${ukDate(summary.assessedOn)}`];
  if (summary.participants.length > 0) factParts.push(`with ${summary.participants.join(', ').toLowerCase()}`);
  const channel = mode.kind === 'channel' ? mode : undefined;
  const acks = channel?.acks ?? [];
  const notes = channel?.notes ?? [];
  // What the practitioner typed about each C stays out of the card everyone in a channel reads.
  const words = mode.kind === 'preview' || channel?.fullView === true;
  return {
    caseRef: summary.caseRef,
    facts: factParts.filter(Boolean).join(' · ') || 'Setup not recorded',
    isChannel: mode.kind === 'channel',
    isPreview: mode.kind === 'preview',
    canSupervise: channel?.canSupervise === true,
    refreshUserIds: [...(channel?.refreshUserIds ?? [])],
    assessmentId: mode.kind === 'preview' ? mode.assessmentId : '',
    shareId: channel?.shareId ?? '',
    sharedBy: excerpt(channel?.sharedBy ?? '', NAME_MAX_CHARS).text,
    judgementNote: summary.judgementNote,
    hasChanges: (summary.changes?.length ?? 0) > 0,
    changes: (summary.changes ?? []).map((line) => ({ line })),
    mapRows: summary.judgements.map((j) => ({
      label: `C${j.number} ${j.shortTitle}${j.skipped ? ' (skipped)' : ''}`,
      riskText: j.riskLabel,
      riskStyle: RISK_STYLE[j.risk],
      riskWeight: j.concern ? 'Bolder' : 'Default',
      resilienceText: j.resilienceLabel,
      resilienceStyle: RESILIENCE_STYLE[j.resilience],
      resilienceWeight: j.resilience === 'low' ? 'Bolder' : 'Default',
    })),
    statements: summary.picture.statements.map((text) => ({ text })),
    hasOfflineOther: summary.picture.offlineOther.length > 0,
    offlineOther: clip(summary.picture.offlineOther, shape.other, IN_CASE_RECORD),
    hasPatterns: summary.picture.patterns.length > 0,
    patterns: summary.picture.patterns.map((p) => ({ text: p.text })),
    analysisText: summary.analysis ? clip(summary.analysis, shape.analysis, IN_CASE_RECORD) : 'Not recorded.',
    analysisMissing: !summary.analysis,
    impactText: summary.impact ? clip(summary.impact, shape.impact, IN_CASE_RECORD) : 'Not recorded.',
    impactMissing: !summary.impact,
    hasStrengths: summary.strengths.length > 0,
    strengths: summary.strengths.map((s) => ({
      heading: `${getC(s.c).shortTitle} (resilience ${s.resilienceLabel.toLowerCase()})`,
      excerpt: s.excerpt ? excerpt(s.excerpt, shape.strength).text : 'No detail recorded.',
    })),
    ...safetyData(summary, shape, words),
    showWords: words,
    hasVoices: summary.voices.length > 0,
    voicesMore: summary.voices.length > shape.voicesShown ? `Views on ${summary.voices.length - shape.voicesShown} more Cs are in the case record copy.` : '',
    stepsMore: summary.plan.length > shape.stepsShown ? `${summary.plan.length - shape.stepsShown} more next steps are in the case record copy.` : '',
    voices: summary.voices.slice(0, shape.voicesShown).map((v) => ({
      heading: getC(v.c).shortTitle,
      youngPerson: v.youngPerson ? excerpt(v.youngPerson, shape.voice).text : 'Not recorded.',
      youngPersonMissing: !v.youngPerson,
      parentLabel: v.parent ? ' Parent or carer: ' : '',
      parent: excerpt(v.parent, shape.voice).text,
    })),
    hasPlan: summary.plan.length > 0,
    plan: summary.plan
      .slice(0, shape.stepsShown)
      .map((p) => ({ text: planLine({ ...p, what: excerpt(p.what, shape.step).text, who: excerpt(p.who, Math.min(shape.step, 120)).text }) })),
    // One note for every shortened view or step (each is marked with …), rather than one per line.
    wordsShortened:
      summary.voices.some((v) => v.youngPerson.length > shape.voice || v.parent.length > shape.voice) ||
      summary.plan.some((p) => p.what.length > shape.step || p.who.length > Math.min(shape.step, 120)),
    triangleConfirmed: summary.triangle.confirmed,
    triangle: triangleRows(summary),
    stages: stagesOf(prompts, shape.promptsPerStage),
    ackSummary: acks.length === 0 ? 'Not acknowledged yet.' : `Acknowledged by ${acks.length === 1 ? 'one person' : `${acks.length} people`}:`,
    hasAcks: acks.length > 0,
    ackNames: ackLine(acks, shape.acksShown),
    notesSummary:
      notes.length === 0
        ? 'No supervision notes yet.'
        : notes.length > shape.notesShown
          ? `${notes.length} supervision notes; the latest ${shape.notesShown === 1 ? 'one is' : `${shape.notesShown} are`} shown and all are kept.`
          : `${notes.length} supervision ${notes.length === 1 ? 'note' : 'notes'}:`,
    notes: notes.slice(0, shape.notesShown).map((n) => ({
      author: excerpt(n.author, NAME_MAX_CHARS).text,
      when: formatWhen(n.at),
      text: clip(n.text, shape.note, 'shortened to fit Teams; the full note is kept'),
    })),
    noteMaxChars: NOTE_MAX_CHARS,
  };
}

function safetyData(summary: AssessmentSummary, shape: CardShape, words: boolean) {
  const s = summary.safety;
  const done = words ? s.done : s.done.filter((d) => d !== summary.safety.doneText);
  return {
    hasSafety: s.shown,
    safetyWhy: s.reasons.join(' '),
    // Routes are never cut or shortened: they are our own words and always fit.
    safetyRoutes: s.routes.map((r) => ({ name: r.name, purpose: r.where ? `${r.purpose} ${r.where}` : r.purpose })),
    hasSafetyDone: done.length > 0,
    safetyDone: done.map((d) => ({ text: clip(d, Math.max(shape.other, 300), IN_CASE_RECORD) })),
  };
}

/** One row per placed concern, so no list of Cs repeats across the three domains. */
function triangleRows(summary: AssessmentSummary): { label: string; text: string }[] {
  const t = summary.triangle;
  if (!t.confirmed) return [];
  const placed = [...new Set(t.domains.flatMap((d) => d.cs))].sort((a, b) => getC(a).number - getC(b).number);
  return [
    ...placed.map((c) => ({
      label: getC(c).shortTitle,
      text: t.domains
        .filter((d) => d.cs.includes(c))
        .map((d) => d.label)
        .join('; '),
    })),
    ...t.unplaced.map((c) => ({ label: getC(c).shortTitle, text: 'Not placed on any domain' })),
  ];
}

/**
 * Renders the summary card; when it would be over Teams' size limit, shows less step by step
 * (see SHRINK_STEPS), marking shortened text. The last step failing throws CardTooLargeError.
 */
export function renderSummaryCard(summary: AssessmentSummary, prompts: readonly SupervisionPrompt[], mode: SummaryCardMode): AdaptiveCardJson {
  const shapes = SHRINK_STEPS.reduce<CardShape[]>((all, step) => [...all, step(all[all.length - 1] ?? FULL_SHAPE)], [FULL_SHAPE]);
  for (const [i, shape] of shapes.entries()) {
    try {
      return renderCard('summary', summaryCardData(summary, prompts, mode, shape));
    } catch (error) {
      if (!(error instanceof CardTooLargeError) || i === shapes.length - 1) throw error;
    }
  }
  throw new Error('unreachable: the last shape either renders or throws');
}
