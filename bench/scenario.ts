import type { Outcome } from './channel.js';
import type { TurnError, TurnKind } from './protocol.js';

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
const TURN_ERROR_PREFIX = "Sorry, something went wrong on my side";

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** The Adaptive Card a turn returned: in the invoke response, or in the last activity sent. */
export function cardFrom(outcome: Outcome): Record<string, unknown> | undefined {
  const body = outcome.body as { type?: string; value?: unknown } | undefined;
  if (body && body.type === ADAPTIVE && body.value) return body.value as Record<string, unknown>;
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

/** Builds the script for one virtual practitioner. */
export type ScriptFactory = (mode: ScriptMode) => Script;

/** The scenario the bench runs. */
export const scenario: { readonly name: string; readonly create: ScriptFactory } = {
  name: 'skeleton (help, help card, resume, my assessments)',
  create: () => skeletonScript(),
};
