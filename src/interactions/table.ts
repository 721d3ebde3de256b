import type { z } from 'zod';
import type { Logger } from '../log.js';
import type { CommandKind } from '../tencs/commands.js';
import type { Owner } from '../tencs/owner.js';
import type { Facts } from './facts.js';
import type { MessageKey } from './messages.js';
import type { Reply } from './reply.js';

/** Where an interaction may run: only a conversation that says it is personal counts as personal (a group chat does not). */
export type Where = 'personal' | 'channel' | 'both';

/** What triggers an interaction: a card verb (Action.Execute) or a typed command. */
export type Trigger = { readonly kind: 'verb'; readonly verb: string } | { readonly kind: 'command'; readonly command: CommandKind };

/** Facts of a turn whose sender is known. */
export type OwnedFacts = Facts & { readonly who: Owner };

/** What every run gets beside facts and data: the turn's logger (it carries the activity id) and the unparsed card data. */
export interface TurnContext {
  readonly log: Logger;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** How a family of interactions words its refusals and its known failures (see errors.ts). */
export interface Family {
  readonly name: 'assessment' | 'privacy' | 'share' | 'consult' | 'welcome';
  /** The refusal when the conversation is the wrong kind, and when the card data does not parse. */
  readonly notHere: MessageKey;
  readonly invalid: MessageKey;
  /** Renders a refusal; `asCard` when it answers a card action. */
  refuse(key: MessageKey, facts: Facts, asCard: boolean): Reply;
}

interface Common<S extends z.ZodTypeAny> {
  readonly trigger: Trigger;
  readonly family: Family;
  readonly where: Where;
  /** The refusal when the conversation is the wrong kind, when it is not the family's (see Family.notHere). */
  readonly notHere?: MessageKey;
  /** Card data for a verb; the typed argument (a string) for a command. */
  readonly schema: S;
}

/** One interaction that needs to know who is asking (everything that touches a practitioner's data). */
export interface OwnedEntry<S extends z.ZodTypeAny = z.ZodTypeAny> extends Common<S> {
  readonly needsOwner: true;
  run(facts: OwnedFacts, data: z.infer<S>, turn: TurnContext): Promise<Reply>;
}

/** One interaction anyone may use (the guide, help). */
export interface OpenEntry<S extends z.ZodTypeAny = z.ZodTypeAny> extends Common<S> {
  readonly needsOwner: false;
  run(facts: Facts, data: z.infer<S>, turn: TurnContext): Promise<Reply>;
}

export type Entry = OwnedEntry | OpenEntry;

/** Builds an entry keeping its schema's type for run (the table holds them erased). */
export const owned = <S extends z.ZodTypeAny>(entry: Omit<OwnedEntry<S>, 'needsOwner'>): Entry => ({ ...entry, needsOwner: true }) as OwnedEntry;
export const open = <S extends z.ZodTypeAny>(entry: Omit<OpenEntry<S>, 'needsOwner'>): Entry => ({ ...entry, needsOwner: false }) as OpenEntry;

/** Something that happens to the bot rather than an action by a user: install, removal, rename. Runs beside routing. */
export interface EventHandler {
  readonly name: string;
  run(
    facts: Facts,
    turn: {
      readonly log: Logger;
      readonly membersAdded: readonly string[];
      readonly membersRemoved: readonly string[];
      readonly action: string | undefined;
      readonly eventType: string | undefined;
    },
  ): Promise<Reply>;
}

/** A check before any route; `stop` ends the turn with its reply. */
export interface Guard {
  readonly name: string;
  check(
    facts: Facts,
    turn: {
      readonly log: Logger;
      readonly activityName: string | undefined;
      readonly attachments: readonly { contentType?: string | undefined; content?: unknown }[];
    },
  ): { readonly stop: false } | { readonly stop: true; readonly reply: Reply };
}

/** Everything tencs does, as data: a host binds each entry to its SDK. */
export interface InteractionTable {
  readonly entries: readonly Entry[];
  readonly guards: readonly Guard[];
  readonly events: readonly EventHandler[];
  /** Typed text that is no command: help for an empty message, the pointer to the commands otherwise. */
  unknown(facts: Facts, text: string | undefined, hasValue: boolean): Reply;
  /** The welcome card when the bot itself was added to a conversation. */
  welcome(facts: Facts): Reply;
}
