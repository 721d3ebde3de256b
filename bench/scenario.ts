import type { Outcome } from './channel.js';
import type { TurnError, TurnKind } from './protocol.js';
import { VERBS } from '../src/cards/verbs.js';
import { C_IDS } from '../src/tencs/ten-cs.js';

/** One turn a practitioner is about to take. */
export interface TurnSpec {
  readonly kind: TurnKind;
  /** A short name for reports, e.g. "start" or "answer C3". */
  readonly label: string;
  /** Activity fields on top of the channel's envelope (type, text, name, value). */
  readonly activity: Record<string, unknown>;
}

/** A practitioner's script: what to do next, and whether the last turn did what it should. */
export interface Script {
  next(): TurnSpec;
  /** Checks the outcome and moves the script on; returns the error, if any. */
  observe(spec: TurnSpec, outcome: Outcome): TurnError | undefined;
}

/** Which bot the script talks to: the baseline answers every turn with an echo card. */
export type ScriptMode = 'ours' | 'baseline';

/** The text our adapter sends when a turn fails unexpectedly (src/bot/adapter.ts TURN_ERROR_MESSAGE). */
const TURN_ERROR_PREFIX = 'Sorry, something went wrong on my side';

/** Part of what our per-user rate limit answers (src/bot/routes/guards.ts RATE_LIMITED_MESSAGE). */
const RATE_LIMITED_TEXT = 'faster than I can take them';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** The Adaptive Card a turn returned: in the invoke response, or in the last activity sent. */
export function cardFrom(outcome: Outcome): Record<string, unknown> | undefined {
  const body = outcome.body as { type?: string; value?: unknown } | undefined;
  if (body?.type === ADAPTIVE && body.value) return body.value as Record<string, unknown>;
  for (const activity of [...outcome.activities].reverse()) {
    const attachments = (activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [];
    const card = attachments.find((a) => a.contentType === ADAPTIVE);
    if (card) return card.content;
  }
  return undefined;
}

/** Errors every turn can have, whatever the script: HTTP, invoke status, missing or apologetic reply. */
export function baseCheck(spec: TurnSpec, outcome: Outcome): TurnError | undefined {
  if (outcome.error) return outcome.error;
  if (outcome.status !== 200) return 'http';
  const said = [JSON.stringify(outcome.body ?? ''), ...outcome.activities.map((a) => (typeof a.text === 'string' ? a.text : ''))];
  if (said.some((t) => t.includes(RATE_LIMITED_TEXT))) return 'rate-limited';
  if (spec.activity.type === 'invoke') {
    const body = outcome.body as { statusCode?: number } | undefined;
    if (body?.statusCode !== undefined && body.statusCode !== 200) return 'invoke-status';
    return undefined;
  }
  if (outcome.activities.length === 0) return 'no-reply';
  if (outcome.activities.some((a) => typeof a.text === 'string' && a.text.startsWith(TURN_ERROR_PREFIX))) return 'turn-error-message';
  return undefined;
}

/** An Action.Execute from a card, as Teams sends it. */
export function executeActivity(verb: string, data: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } };
}

/** Something the practitioner typed. */
export function messageActivity(text: string): Record<string, unknown> {
  return { type: 'message', text };
}

/**
 * The walking-skeleton scenario (before the guided assessment exists): help by message, help by
 * card, and the resume and list commands, in a loop.
 */
export function skeletonScript(): Script {
  const turns: TurnSpec[] = [
    { kind: 'message', label: 'hello', activity: messageActivity('hello') },
    { kind: 'submit', label: 'help card', activity: executeActivity('tencs.help') },
    { kind: 'resume', label: 'resume', activity: messageActivity('resume') },
    { kind: 'list', label: 'my assessments', activity: messageActivity('my assessments') },
  ];
  let i = 0;
  return {
    next: () => turns[i % turns.length]!,
    observe(spec, outcome) {
      i += 1;
      return baseCheck(spec, outcome);
    },
  };
}

/** An input on a card, as the walker fills it. */
interface CardInput {
  readonly id: string;
  readonly type: string;
  readonly multi: boolean;
  readonly choices: string[];
  readonly maxLength: number | undefined;
  readonly label: string;
}

/** An Action.Execute on a card. */
interface CardAction {
  readonly verb: string;
  readonly data: Record<string, unknown>;
}

/** Every input and every Action.Execute on a card, wherever they sit (body, columns, action sets). */
export function walkCard(card: unknown): { inputs: CardInput[]; actions: CardAction[] } {
  const inputs: CardInput[] = [];
  const actions: CardAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string') {
      const choices = Array.isArray(n.choices) ? (n.choices as { value?: unknown }[]).map((c) => String(c.value ?? '')).filter(Boolean) : [];
      inputs.push({
        id: n.id,
        type: n.type,
        multi: n.isMultiSelect === true,
        choices,
        maxLength: typeof n.maxLength === 'number' ? n.maxLength : undefined,
        label: String(n.label ?? ''),
      });
    }
    if (n.type === 'Action.Execute' && typeof n.verb === 'string') {
      actions.push({ verb: n.verb, data: (n.data && typeof n.data === 'object' ? n.data : {}) as Record<string, unknown> });
    }
    for (const value of Object.values(n)) if (value && typeof value === 'object') visit(value);
  };
  visit(card);
  return { inputs, actions };
}

const SENTENCES = [
  'Uses a phone daily and talks openly with the foster carer about the apps used.',
  'Has a small group of school friends online and says they look out for each other.',
  'Not always sure who new contacts are; agreed to check with a trusted adult first.',
  'Knows how to block and report, and has done so once this term.',
  'Late-night use is affecting sleep; a plan with the carer is in place for evenings.',
];

/** A plausible answer of about `length` characters (practitioners write a few sentences per box). */
function prose(length: number): string {
  let out = '';
  let i = Math.floor(Math.random() * SENTENCES.length);
  while (out.length < length) out += `${SENTENCES[i++ % SENTENCES.length]} `;
  return out.slice(0, length).trim();
}

/** What a practitioner would type or pick in each input. */
function fill(inputs: CardInput[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const input of inputs) {
    if (input.type === 'Input.ChoiceSet') {
      const options = input.choices.filter((c) => c !== 'not-explored');
      const pool = options.length ? options : input.choices;
      values[input.id] = input.multi ? pool.slice(0, 2).join(',') : (pool[Math.floor(Math.random() * pool.length)] ?? '');
    } else if (input.type === 'Input.Date') {
      values[input.id] = new Date().toISOString().slice(0, 10);
    } else if (input.type === 'Input.Toggle') {
      values[input.id] = 'true';
    } else if (input.id === 'caseRef') {
      values[input.id] = `CR-${Math.floor(Math.random() * 1e6)}`;
    } else {
      // "Other ..." boxes are short (300 characters at most); answers get a few sentences.
      const max = input.maxLength ?? (/other/i.test(input.id) ? 300 : 2000);
      values[input.id] = prose(Math.min(max, /other/i.test(input.id) ? 80 : 280));
    }
  }
  return values;
}

/** The steps of the guided flow, in order (mirrors src/tencs/assessment.ts STEPS). */
const FLOW = ['cautions', 'setup', ...C_IDS, 'review'] as const;

/**
 * One practitioner doing full assessments, again and again: "start", the cautions, setup, all ten
 * Cs (with one Back from C3 to C2), a "resume" typed after C5, the review's Complete, then
 * "my assessments". Against tencs the script reads each card it gets back and presses its real
 * buttons with the inputs filled in, and counts a card that did not move on as an error. Against
 * the baseline it sends the same sequence of turns with the same shape of data.
 */
export function assessmentScript(mode: ScriptMode): Script {
  // Where the practitioner is: the card last shown (tencs) or the position in FLOW (baseline).
  let card: { inputs: CardInput[]; actions: CardAction[] } | undefined;
  let phase: 'start' | 'flow' | 'resume' | 'list' = 'start';
  let wentBack = false;
  let resumed = false;
  let position = 0;
  let lastStep: string | undefined;

  const stepOf = (c: typeof card): string | undefined => {
    const withStep = c?.actions.find((a) => typeof a.data.step === 'string');
    return withStep ? String(withStep.data.step) : undefined;
  };

  const mirrorData = (step: string): Record<string, unknown> => {
    const base = { assessmentId: '9999999999999-benchbaseline', rev: position, step, mode: 'flow' };
    if (step === 'setup')
      return {
        ...base,
        caseRef: 'CR-1',
        ageBand: '14-15',
        participants: 'young-person,parent-carer',
        participantsOther: prose(80),
        assessedOn: new Date().toISOString().slice(0, 10),
      };
    if (step === 'cautions' || step === 'review') return base;
    return {
      ...base,
      strengths: prose(280),
      vulnerabilities: prose(280),
      risk: 'medium',
      resilience: 'some',
      youngPersonView: prose(280),
      parentView: prose(280),
      nextSteps: prose(280),
    };
  };

  const nextTurn = (): TurnSpec => {
    if (phase === 'start') return { kind: 'message', label: 'start', activity: messageActivity('start') };
    if (phase === 'resume') return { kind: 'resume', label: 'resume', activity: messageActivity('resume') };
    if (phase === 'list') return { kind: 'list', label: 'my assessments', activity: messageActivity('my assessments') };
    const step = mode === 'ours' ? (stepOf(card) ?? 'unknown') : FLOW[position]!;
    const back = step === C_IDS[2] && !wentBack;
    const verbWanted = step === 'cautions' ? VERBS.cautionsAck : step === 'review' ? VERBS.reviewComplete : back ? VERBS.stepBack : VERBS.stepNext;
    const label = step === 'cautions' ? 'cautions read' : step === 'review' ? 'complete' : `${back ? 'back from' : 'next from'} ${step}`;
    if (mode === 'baseline') return { kind: 'submit', label, activity: executeActivity(verbWanted, mirrorData(step)) };
    const action = card?.actions.find((a) => a.verb === verbWanted);
    const data = action ? { ...action.data, ...(verbWanted === VERBS.stepNext || verbWanted === VERBS.stepBack ? fill(card!.inputs) : {}) } : {};
    return { kind: 'submit', label, activity: executeActivity(action ? verbWanted : VERBS.stepNext, data) };
  };

  const advance = (spec: TurnSpec, outcome: Outcome): TurnError | undefined => {
    const error = baseCheck(spec, outcome);
    if (mode === 'ours') {
      card = error
        ? undefined
        : (() => {
            const c = cardFrom(outcome);
            return c ? walkCard(c) : undefined;
          })();
    }
    const verb = (spec.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb;
    if (error) {
      // Start over: the practitioner types "start" again after anything unexpected.
      phase = 'start';
      return error;
    }
    if (phase === 'start') {
      phase = 'flow';
      position = 0;
      wentBack = false;
      resumed = false;
      lastStep = undefined;
      if (mode === 'ours' && stepOf(card) !== 'cautions') {
        phase = 'start';
        return 'unexpected-card';
      }
      return undefined;
    }
    if (phase === 'list') {
      phase = 'start';
      return undefined;
    }
    if (phase === 'resume') {
      phase = 'flow';
      if (mode === 'ours' && stepOf(card) !== lastStep) {
        phase = 'start';
        return 'unexpected-card';
      }
      return undefined;
    }
    // In the flow: the step we were on, and where the button should have taken us.
    const from = mode === 'ours' ? (lastStep ?? 'cautions') : FLOW[position]!;
    const expected =
      verb === VERBS.stepBack
        ? FLOW[FLOW.indexOf(from as (typeof FLOW)[number]) - 1]
        : verb === VERBS.reviewComplete
          ? 'done'
          : FLOW[FLOW.indexOf(from as (typeof FLOW)[number]) + 1];
    if (verb === VERBS.stepBack) wentBack = true;
    if (expected === 'done') {
      phase = 'list';
      if (mode === 'ours' && !card?.actions.some((a) => a.verb === VERBS.list)) {
        phase = 'start';
        return 'unexpected-card';
      }
      return undefined;
    }
    position = FLOW.indexOf(expected!);
    const now = mode === 'ours' ? stepOf(card) : expected;
    if (now !== expected) {
      phase = 'start';
      return 'unexpected-card';
    }
    lastStep = now;
    if (!resumed && from === C_IDS[4]) {
      resumed = true;
      phase = 'resume';
    }
    return undefined;
  };

  return {
    next: nextTurn,
    observe(spec, outcome) {
      const error = advance(spec, outcome);
      if (mode === 'ours' && phase === 'flow' && lastStep === undefined) lastStep = stepOf(card);
      return error;
    },
  };
}

/** Builds the script for one virtual practitioner. */
export type ScriptFactory = (mode: ScriptMode) => Script;

/** The scenario the bench runs. */
export const scenario: { readonly name: string; readonly create: ScriptFactory } = {
  name: 'full assessments: "start", cautions, setup, all ten Cs with one Back (C3 to C2), "resume" after C5, Complete, "my assessments"; repeated',
  create: (mode) => assessmentScript(mode),
};
