import { randomUUID } from 'node:crypto';
import { VERBS } from '../../src/cards/verbs.js';
import type { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { nextStep, previousStep, type Assessment, type Step } from '../../src/tencs/assessment.js';
import { COMPLETED_MESSAGE, NOT_SAVED_MESSAGE } from '../../src/tencs/assessment-service.js';
import { fieldsFor, formFromAssessment, isFormStep, readForm, type FormStep, type FormValues } from '../../src/tencs/step-forms.js';
import { C_IDS } from '../../src/tencs/ten-cs.js';
import { cardText, execute, message, newUser, type TestUser } from './bot-harness.js';
import { executeActions, inputsOf } from './card-driver.js';
import type { LoopbackConnector } from './connector.js';

type Json = Record<string, unknown>;

/** What one POST to /api/messages gave: an HTTP answer, or no answer at all (connection refused or cut). */
export interface Turn {
  readonly status: number | undefined;
  readonly body: unknown;
  /** Activities the bot sent to the connector in reply to this activity. */
  readonly sent: Json[];
  readonly error: string | undefined;
  readonly ms: number;
}

/** Posts one activity to a bot and collects its replies from the loopback connector, as Teams would see them. */
export async function post(url: string, connector: Pick<LoopbackConnector, 'calls'>, activity: Json): Promise<Turn> {
  const started = performance.now();
  const conversation = (activity.conversation as { id: string }).id;
  const replies = () => connector.calls.filter((c) => c.conversationId === conversation && c.body.replyToId === activity.id).map((c) => c.body);
  try {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text for the report.
    }
    return { status: res.status, body, sent: replies(), error: undefined, ms: performance.now() - started };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: undefined, body: undefined, sent: replies(), error: cause ?? (error as Error).name, ms: performance.now() - started };
  }
}

/** A card's reference back to its assessment, as its actions carry it. */
export interface Ref {
  readonly assessmentId: string;
  readonly rev: number;
  readonly step: Step;
  readonly mode: 'flow' | 'review';
}

/** What the practitioner saw after a turn. */
export type Seen =
  | { readonly kind: 'step'; readonly ref: Ref; readonly card: Json; readonly notSaved: boolean; readonly refusedCompleted: boolean }
  | { readonly kind: 'conflict'; readonly ref: Ref; readonly card: Json }
  | { readonly kind: 'saved'; readonly assessmentId: string; readonly card: Json }
  | { readonly kind: 'completed'; readonly card: Json }
  | { readonly kind: 'notice'; readonly text: string; readonly card: Json }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'failed'; readonly why: string };

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

function cardIn(turn: Turn): Json | undefined {
  const body = turn.body as { type?: string; value?: unknown } | undefined;
  if (body && typeof body === 'object' && body.type === ADAPTIVE && body.value) return body.value as Json;
  for (const activity of [...turn.sent].reverse()) {
    const attachments = (activity.attachments as { contentType: string; content: Json }[] | undefined) ?? [];
    const card = attachments.find((a) => a.contentType === ADAPTIVE);
    if (card) return card.content;
  }
  return undefined;
}

function refOf(data: Json): Ref {
  return { assessmentId: String(data.assessmentId), rev: Number(data.rev), step: data.step as Step, mode: data.mode === 'review' ? 'review' : 'flow' };
}

/** Reads a turn the way the practitioner would: which card, for which step, and whether it said "not saved". */
export function seenIn(turn: Turn): Seen {
  if (turn.error) return { kind: 'failed', why: `no answer (${turn.error})` };
  if (turn.status !== 200) return { kind: 'failed', why: `HTTP ${turn.status}` };
  const body = turn.body as { statusCode?: number } | undefined;
  if (body && typeof body === 'object' && body.statusCode !== undefined && body.statusCode !== 200) return { kind: 'failed', why: `invoke ${body.statusCode}` };
  const card = cardIn(turn);
  if (!card) {
    const text = turn.sent
      .map((a) => a.text)
      .filter((t): t is string => typeof t === 'string')
      .join('\n');
    return text ? { kind: 'text', text } : { kind: 'failed', why: 'no card and no text' };
  }
  const actions = executeActions(card);
  const conflict = actions.find((a) => a.verb === VERBS.conflictKeepMine);
  if (conflict) return { kind: 'conflict', ref: refOf(conflict.data), card };
  const forward = actions.find((a) => a.verb === VERBS.cautionsAck || a.verb === VERBS.stepNext || a.verb === VERBS.reviewComplete);
  const text = cardText(card);
  if (forward)
    return { kind: 'step', ref: refOf(forward.data), card, notSaved: text.includes(NOT_SAVED_MESSAGE), refusedCompleted: text.includes(COMPLETED_MESSAGE) };
  const heading = String(((card.body as Json[] | undefined)?.[0] as { text?: unknown } | undefined)?.text ?? '');
  if (heading === 'Saved for later') return { kind: 'saved', assessmentId: String(actions.find((a) => a.verb === VERBS.open)?.data.assessmentId), card };
  if (heading === 'Assessment complete') return { kind: 'completed', card };
  return { kind: 'notice', text, card };
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'chat',
  'gaming',
  'school',
  'friends',
  'late at night',
  'café',
  'says “fine”',
  'worried',
  'phone',
  'streams',
  'Zoë',
  'kept\nsecret',
  'O’Brien',
  '😀',
  'trusts nan',
  'ÅÄÖ',
];

/** One attempt to change a step: what was sent, and whether the bot confirmed it. */
interface Attempt {
  readonly form: FormValues;
  readonly sent: number;
  /** When the card it was sent from reached the practitioner. */
  readonly cardAt: number;
  done?: number;
  confirmed: boolean;
}

/** Where an attempt stands for a yes/no thing (start, cautions, completion). */
type Flag = 'none' | 'pending' | 'confirmed';

/** A move the practitioner is about to make, with the activity Teams would send for it. */
export interface Move {
  readonly label: string;
  readonly activity: Json;
  readonly kind: 'start' | 'ack' | 'submit' | 'complete' | 'open' | 'edit' | 'keep-mine' | 'keep-saved' | 'list';
  readonly step?: FormStep;
  readonly form?: FormValues;
  /** The step card that confirms this move, or 'saved' for "finish later". */
  readonly expect?: Step | 'saved';
  /** When the card this move was pressed on reached the practitioner. */
  readonly cardAt?: number;
}

let clock = 0;

/**
 * A practitioner working through one assessment, and a model of what the bot has confirmed to them:
 * every answer confirmed (next card shown, or "saved"), and every attempt whose fate they were not told.
 */
export class Practitioner {
  readonly user: TestUser;
  /** The card on screen (Teams keeps the old one when a turn fails). */
  card: Json | undefined;
  /** When the card on screen arrived (the model's clock). */
  cardAt = 0;
  assessmentId: string | undefined;
  started: Flag = 'none';
  cautions: Flag = 'none';
  completion: Flag = 'none';
  readonly attempts = new Map<FormStep, Attempt[]>();
  /** Every text typed, for checking that none reaches a log. */
  readonly typed: string[] = [];
  /** The last move sent, for a redelivery of the same activity. */
  lastMove: Move | undefined;
  /** Problems seen on screen (e.g. a "not saved" card that lost the typed text). */
  readonly problems: string[] = [];
  private marker = 0;

  constructor(
    readonly name: string,
    private readonly connector: Pick<LoopbackConnector, 'url'>,
    private readonly random: () => number,
  ) {
    this.user = newUser(name);
  }

  get done(): boolean {
    return this.completion === 'confirmed';
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** A short answer with a unique marker, sometimes with non-ASCII characters and line breaks. */
  text(): string {
    const words = Array.from({ length: 1 + Math.floor(this.random() * 4) }, () => this.pick(WORDS));
    const value = `${words.join(' ')} mk${this.user.aadObjectId.slice(0, 6)}x${++this.marker}`;
    this.typed.push(value);
    return value;
  }

  /** A filled-in form for a step, as the practitioner would type and choose. */
  formFor(step: FormStep): FormValues {
    if (step === 'setup') {
      const participants = ['young-person', 'parent-carer', 'other-family', 'professional'].filter(() => this.random() < 0.5);
      return {
        caseRef: `CR-${this.user.aadObjectId.slice(0, 4)}${++this.marker}`,
        ageBand: this.pick(['11-13', '14-15', '16-17']),
        participants: (participants.length > 0 ? participants : ['young-person']).join(','),
        participantsOther: this.random() < 0.5 ? this.text() : '',
        assessedOn: '2025-03-14',
      };
    }
    const form: FormValues = {};
    for (const field of fieldsFor(step)) {
      if (field.kind === 'text') form[field.id] = this.random() < 0.8 ? this.text() : '';
      else if (field.kind === 'choice') form[field.id] = this.pick(field.choices!.map((c) => c.value));
      else if (field.kind === 'multi')
        form[field.id] = field
          .choices!.map((c) => c.value)
          .filter(() => this.random() < 0.3)
          .join(',');
    }
    return form;
  }

  private invoke(verb: string, data: Json): Json {
    return execute({ connector: this.connector as LoopbackConnector }, this.user, verb, data);
  }

  /** Typing "start" in the personal chat. */
  start(): Move {
    return { label: 'start', kind: 'start', activity: message({ connector: this.connector as LoopbackConnector }, this.user, 'start') };
  }

  /** Presses a button on the card on screen, with `changes` typed into its inputs first. */
  press(verb: string, changes: Record<string, string> = {}, title?: string): Json {
    const action = executeActions(this.card).find((a) => a.verb === verb && (title === undefined || a.title === title));
    if (!action)
      throw new Error(
        `${this.name}: no ${verb} on the card on screen (${executeActions(this.card)
          .map((a) => a.verb)
          .join(', ')})`,
      );
    return this.invoke(verb, { ...inputsOf(this.card), ...changes, ...action.data });
  }

  /** The ref of the card on screen, if it is an assessment step card. */
  ref(): Ref | undefined {
    const forward = executeActions(this.card).find(
      (a) => a.verb === VERBS.cautionsAck || a.verb === VERBS.stepNext || a.verb === VERBS.reviewComplete || a.verb === VERBS.conflictKeepMine,
    );
    return forward ? refOf(forward.data) : undefined;
  }

  /** Fills in the step on screen and presses a step button (next, back, skip, later). */
  submit(verb: string, form?: FormValues): Move {
    const ref = this.ref();
    if (!ref || !isFormStep(ref.step)) throw new Error(`${this.name}: no form step on screen`);
    const step = ref.step;
    const activity = this.press(verb, form ?? this.formFor(step));
    const sentForm = readForm(step, (activity.value as { action: { data: Json } }).action.data);
    const action = verb === VERBS.stepBack ? 'back' : verb === VERBS.stepLater ? 'later' : 'next';
    const expect: Step | 'saved' = action === 'later' ? 'saved' : ref.mode === 'review' ? 'review' : action === 'back' ? previousStep(step) : nextStep(step);
    return { label: `${verb.split('.').pop()} ${step}`, kind: 'submit', activity, step, form: sentForm, expect, cardAt: this.cardAt };
  }

  /** "Keep my version" on the conflict card on screen: the text kept on it, with the button pressed before. */
  keepMine(): Move {
    const ref = this.ref();
    if (!ref || !isFormStep(ref.step)) throw new Error(`${this.name}: no conflict card on screen`);
    const step = ref.step;
    const activity = this.press(VERBS.conflictKeepMine);
    const data = (activity.value as { action: { data: Json } }).action.data;
    const action = String(data.action ?? 'next');
    const expect: Step | 'saved' = action === 'later' ? 'saved' : ref.mode === 'review' ? 'review' : action === 'back' ? previousStep(step) : nextStep(step);
    return { label: `keep mine ${step}`, kind: 'keep-mine', activity, step, form: readForm(step, data), expect, cardAt: this.cardAt };
  }

  /** What a practitioner working steadily through the assessment would do next, with the odd detour. */
  nextMove(): Move {
    if (!this.card || this.started !== 'confirmed') return this.start();
    const seen = seenIn({ status: 200, body: { type: ADAPTIVE, value: this.card }, sent: [], error: undefined, ms: 0 });
    if (seen.kind === 'saved') return { label: 'resume', kind: 'open', activity: this.press(VERBS.open), expect: undefined };
    if (seen.kind === 'conflict') {
      return this.random() < 0.5
        ? this.keepMine()
        : { label: `keep saved ${seen.ref.step}`, kind: 'keep-saved', activity: this.press(VERBS.conflictKeepSaved) };
    }
    if (seen.kind !== 'step') throw new Error(`${this.name}: nothing to press on a ${seen.kind} card`);
    const { step } = seen.ref;
    if (step === 'cautions') return { label: 'ack', kind: 'ack', activity: this.press(VERBS.cautionsAck), expect: 'setup' };
    if (step === 'review') {
      if (this.random() < 0.15) {
        const target = this.pick(['setup', ...C_IDS] as const);
        return {
          label: `edit ${target}`,
          kind: 'edit',
          activity: this.press(VERBS.reviewEdit, {}, target === 'setup' ? 'Edit details' : `Edit C${C_IDS.indexOf(target) + 1}`),
        };
      }
      return { label: 'complete', kind: 'complete', activity: this.press(VERBS.reviewComplete) };
    }
    if (seen.notSaved || seen.refusedCompleted) {
      // The card kept what was typed: press the same button again, as a practitioner told to retry would.
      return this.submit(VERBS.stepNext, inputsOfForm(this.card, step as FormStep));
    }
    const roll = this.random();
    // Only the buttons the card shows (a step opened from the review has no Back or Skip).
    const has = (verb: string) => executeActions(this.card).some((a) => a.verb === verb);
    if (step !== 'setup' && seen.ref.mode === 'flow' && roll < 0.06 && has(VERBS.stepBack)) return this.submit(VERBS.stepBack);
    if (step !== 'setup' && roll < 0.12 && has(VERBS.stepSkip)) return this.submit(VERBS.stepSkip);
    if (roll < 0.17 && has(VERBS.stepLater)) return this.submit(VERBS.stepLater);
    return this.submit(VERBS.stepNext);
  }

  /** Notes that a move is being sent; returns the token `finish` needs. */
  begin(move: Move): Attempt | undefined {
    this.lastMove = move;
    if (move.kind === 'start' && this.started === 'none') this.started = 'pending';
    if (move.kind === 'ack' && this.cautions === 'none') this.cautions = 'pending';
    if (move.kind === 'complete' && this.completion === 'none') this.completion = 'pending';
    if (!move.step || !move.form) return undefined;
    const attempt: Attempt = { form: move.form, sent: ++clock, cardAt: move.cardAt ?? this.cardAt, confirmed: false };
    const list = this.attempts.get(move.step) ?? [];
    list.push(attempt);
    this.attempts.set(move.step, list);
    return attempt;
  }

  /** Records what the bot answered: updates the card on screen and what counts as confirmed. */
  finish(move: Move, attempt: Attempt | undefined, turn: Turn): Seen {
    const seen = seenIn(turn);
    if (attempt) attempt.done = ++clock;
    if (seen.kind === 'failed') return seen;
    if ('card' in seen) {
      this.card = seen.card;
      this.cardAt = attempt?.done ?? ++clock;
    }
    const onAssessment = (id: string) => {
      if (this.assessmentId && this.assessmentId !== id)
        this.problems.push(`${this.name}: ${move.label} answered for assessment ${id}, not ${this.assessmentId}`);
    };
    if (move.kind === 'start' && seen.kind === 'step') {
      onAssessment(seen.ref.assessmentId);
      this.assessmentId = seen.ref.assessmentId;
      this.started = 'confirmed';
    }
    if (move.kind === 'ack' && seen.kind === 'step' && seen.ref.step === 'setup') this.cautions = 'confirmed';
    if (move.kind === 'complete' && seen.kind === 'completed') this.completion = 'confirmed';
    if (seen.kind === 'step') onAssessment(seen.ref.assessmentId);
    if (attempt && move.step) {
      const confirmed = move.expect === 'saved' ? seen.kind === 'saved' : seen.kind === 'step' && seen.ref.step === move.expect && !seen.notSaved;
      attempt.confirmed = confirmed;
      if (seen.kind === 'step' && (seen.notSaved || seen.refusedCompleted)) {
        // The promise: a refused save always comes back with the practitioner's text still on the card.
        const kept = readForm(move.step, inputsOf(seen.card));
        if (JSON.stringify(kept) !== JSON.stringify(move.form)) this.problems.push(`${this.name}: refused save of ${move.step} lost the typed text`);
      }
    }
    return seen;
  }
}

/** The inputs of a step card, read as that step's form. */
function inputsOfForm(card: Json, step: FormStep): FormValues {
  return readForm(step, inputsOf(card));
}

const canonical = (form: FormValues, step: FormStep) => JSON.stringify(fieldsFor(step).map((f) => form[f.id] ?? ''));

/**
 * Checks the promise against Table Storage, read through the repository with the deployment's key:
 * one assessment per practitioner who started, every step holding its last confirmed answer (or, after
 * it, one whole unconfirmed attempt), completion and cautions as confirmed. Returns the problems found.
 */
export async function checkPromise(repository: AssessmentRepository, practitioners: readonly Practitioner[]): Promise<string[]> {
  const problems: string[] = [];
  for (const p of practitioners) {
    problems.push(...p.problems);
    const owner = { tenantId: p.user.tenantId.toLowerCase(), aadObjectId: p.user.aadObjectId.toLowerCase() };
    const list = await repository.listForOwner(owner, 50);
    if (p.started === 'confirmed' && list.length !== 1) problems.push(`${p.name}: ${list.length} assessments stored, expected exactly 1`);
    if (p.started !== 'confirmed' && list.length > 1) problems.push(`${p.name}: ${list.length} assessments stored from one unconfirmed start`);
    if (!p.assessmentId) continue;
    const stored = await repository.get(owner, p.assessmentId);
    if (!stored) {
      problems.push(`${p.name}: confirmed assessment ${p.assessmentId} is not stored`);
      continue;
    }
    problems.push(...checkAssessment(p, stored.assessment));
  }
  return problems;
}

function checkAssessment(p: Practitioner, a: Assessment): string[] {
  const problems: string[] = [];
  if (p.completion === 'confirmed' && a.status !== 'completed') problems.push(`${p.name}: completion was confirmed but the assessment is ${a.status}`);
  if (p.cautions === 'confirmed' && !a.cautionsAcknowledged) problems.push(`${p.name}: cautions were confirmed but are not stored`);
  // A step never saved reads as its blank form, which for C10 still carries the Triangle suggestion made
  // from the other Cs' answers: only the step's own answer is taken away.
  const blankFor = (step: FormStep): Assessment => {
    if (step === 'setup') return { ...a, setup: undefined };
    const answers = Object.fromEntries(Object.entries(a.answers).filter(([id]) => id !== step));
    return step === 'composite' ? { ...a, answers, composite: undefined } : { ...a, answers };
  };
  for (const step of ['setup', ...C_IDS] as const) {
    const attempts = p.attempts.get(step) ?? [];
    const confirmed = attempts.filter((t) => t.confirmed);
    const last = confirmed.reduce<Attempt | undefined>((x, t) => (!x || (t.done ?? 0) > (x.done ?? 0) ? t : x), undefined);
    const allowed = new Set<string>();
    if (last) {
      allowed.add(canonical(last.form, step));
      // Two confirmations that overlapped in time with different answers: one was silently overwritten.
      for (const other of confirmed) {
        if (other !== last && (other.done ?? 0) > last.sent && canonical(other.form, step) !== canonical(last.form, step)) {
          problems.push(`${p.name}: two overlapping saves of ${step} were both confirmed with different answers`);
        }
      }
    } else {
      allowed.add(canonical(formFromAssessment(blankFor(step), step), step));
    }
    for (const t of attempts) if (!t.confirmed && (!last || t.done === undefined || t.done > last.sent)) allowed.add(canonical(t.form, step));
    // A save from a card shown before the step was changed (by a confirmed save of something else) must
    // meet a conflict, not be confirmed over the change the practitioner never saw.
    const confirmedBefore = (at: number) =>
      confirmed.filter((c) => (c.done ?? Infinity) <= at).reduce<Attempt | undefined>((x, c) => (!x || (c.done ?? 0) > (x.done ?? 0) ? c : x), undefined);
    for (const t of confirmed) {
      const shown = confirmedBefore(t.cardAt);
      const latest = confirmedBefore(t.sent);
      if (
        latest &&
        latest !== shown &&
        (!shown || canonical(latest.form, step) !== canonical(shown.form, step)) &&
        canonical(latest.form, step) !== canonical(t.form, step)
      ) {
        problems.push(`${p.name}: a save of ${step} from a card shown before a confirmed change was confirmed over it (silent overwrite)`);
      }
    }
    const actual = canonical(formFromAssessment(a, step), step);
    if (!allowed.has(actual)) {
      problems.push(
        `${p.name}: ${step} holds neither its last confirmed answer nor a whole later attempt (${attempts.length} attempts, ${confirmed.length} confirmed)`,
      );
    }
  }
  return problems;
}

/** Lines of output that contain any text a practitioner typed. */
export function leakedText(lines: readonly string[], practitioners: readonly Practitioner[]): string[] {
  const markers = practitioners.flatMap((p) => p.typed.map((t) => /mk[0-9a-f]{6}x\d+/.exec(t)?.[0]).filter((m): m is string => Boolean(m)));
  return lines.filter((line) => markers.some((m) => line.includes(m)));
}

/** A fresh activity id, for a device pressing a button of its own. */
export function withNewId(activity: Json): Json {
  return { ...activity, id: randomUUID(), timestamp: new Date().toISOString() };
}

/** How a driven practitioner's turns went. */
export interface DriveStats {
  turns: number;
  /** Activities sent again with the same id because no usable answer came back. */
  replays: number;
  seen: Record<string, number>;
  /** The slowest turn, in ms. */
  slowest: number;
}

/**
 * Drives a practitioner to a completed assessment. A turn with no usable answer (no HTTP answer, an
 * error status, a notice) is sent again with the same activity id and card data, as Teams redelivers
 * it, after `recover` (e.g. waiting for a restarted bot).
 */
export async function drive(
  p: Practitioner,
  send: (activity: Json) => Promise<Turn>,
  options: { readonly maxTurns?: number; readonly recover?: () => Promise<void>; readonly beforeSend?: (move: Move) => void } = {},
): Promise<DriveStats> {
  const stats: DriveStats = { turns: 0, replays: 0, seen: {}, slowest: 0 };
  const maxTurns = options.maxTurns ?? 200;
  while (!p.done) {
    const move = p.nextMove();
    for (;;) {
      if (++stats.turns > maxTurns) throw new Error(`${p.name}: not completed after ${maxTurns} turns (${JSON.stringify(stats.seen)})`);
      options.beforeSend?.(move);
      const attempt = p.begin(move);
      const turn = await send(move.activity);
      stats.slowest = Math.max(stats.slowest, turn.ms);
      const seen = p.finish(move, attempt, turn);
      const key = seen.kind === 'failed' ? `failed: ${seen.why}` : seen.kind === 'step' && seen.notSaved ? 'not-saved' : seen.kind;
      stats.seen[key] = (stats.seen[key] ?? 0) + 1;
      if (seen.kind !== 'failed' && seen.kind !== 'notice' && seen.kind !== 'text') break;
      stats.replays++;
      await (options.recover?.() ?? new Promise((r) => setTimeout(r, 50)));
    }
  }
  return stats;
}

/** Presses straight on (start, cautions, "Save & next") until the card on screen is for `step`; throws on any other answer. */
export async function advanceTo(p: Practitioner, step: Step, send: (activity: Json) => Promise<Turn>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const ref = p.started === 'confirmed' ? p.ref() : undefined;
    if (ref?.step === step) return;
    const move = !ref
      ? p.start()
      : ref.step === 'cautions'
        ? { label: 'ack', kind: 'ack' as const, activity: p.press(VERBS.cautionsAck), expect: 'setup' as const }
        : p.submit(VERBS.stepNext);
    const attempt = p.begin(move);
    const seen = p.finish(move, attempt, await send(move.activity));
    if (seen.kind !== 'step') throw new Error(`${p.name}: ${move.label} gave ${seen.kind}${seen.kind === 'failed' ? ` (${seen.why})` : ''}`);
  }
  throw new Error(`${p.name}: never reached ${step}`);
}
