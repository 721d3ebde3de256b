import { z } from 'zod';
import {
  ConsultCActionData,
  PracticeStepActionData,
  cautionsData,
  changesData,
  consultCData,
  consultListData,
  practiceExampleData,
  standardsData,
} from '../cards/consult-cards.js';
import { renderCard } from '../cards/render.js';
import { ConsultTogetherActionData, renderConsultTogether } from '../cards/together-cards.js';
import { VERBS } from '../cards/verbs.js';
import { parseCommand, type CommandKind } from '../tencs/commands.js';
import { findC, parseAgeRequest, practiceStepOf } from '../tencs/consult.js';
import { getC } from '../tencs/ten-cs.js';
import { OPEN } from './families.js';
import { card, type Reply } from './reply.js';
import { open, type Entry, type TurnContext } from './table.js';
import type { Facts } from './facts.js';

const Arg = z.string();
/** Anything at all: a forged or stale button gets a sensible card rather than an error (there is nothing to protect here). */
const Anything = z.unknown();

/** Commands that "consult X" forwards to: read-only, like consult itself. */
const CONSULT_FAMILY: ReadonlySet<CommandKind> = new Set<CommandKind>(['cautions', 'practice-example', 'changes', 'standards']);

const logged = (turn: TurnContext, f: Facts, event: string, extra: Record<string, unknown> = {}): void => {
  turn.log.info({ event, ...extra, conversationType: f.conversation.type }, 'Consultation');
};

/** "practice example" starts at the introduction; "practice example contact" jumps to that C's step. */
function practiceStepFor(arg: string): number {
  if (!arg.trim()) return 0;
  const found = findC(arg);
  return found.kind === 'found' ? (practiceStepOf(found.c.id) ?? 0) : 0;
}

const list = (): Reply => card(renderCard('consult-list', consultListData()));
const cautions = (): Reply => card(renderCard('consult-cautions', cautionsData()));
const practice = (step: number): Reply => card(renderCard('consult-practice-example', practiceExampleData(step)));
const changes = (): Reply => card(renderCard('consult-changes', changesData()));
const standards = (): Reply => card(renderCard('consult-standards', standardsData()));

/** The card for "consult <name>": the C itself, or the list with a "did you mean" when the name matched none. */
function consult(f: Facts, arg: string, turn: TurnContext): Reply {
  // "consult cautions" and the like mean the other read-only commands, never one that stores.
  const inner = parseCommand(arg);
  if (inner.kind !== 'unknown' && CONSULT_FAMILY.has(inner.kind)) return readOnly(inner.kind, f, inner.arg, turn);
  if (!arg.trim()) {
    logged(turn, f, 'consult.list');
    return list();
  }
  // "consult contact for a 12-year-old": that C in the young person's words for the age (nothing stored).
  const aged = parseAgeRequest(arg);
  const named = aged.kind === 'age' && aged.band ? findC(aged.name) : undefined;
  if (named?.kind === 'found' && aged.kind === 'age' && aged.band) {
    logged(turn, f, 'consult.together', { c: named.c.id });
    return card(renderConsultTogether(named.c.id, aged.band));
  }
  const found = findC(aged.kind === 'age' ? aged.name : arg);
  if (found.kind === 'found') {
    logged(turn, f, 'consult.c', { c: found.c.id });
    return card(renderCard('consult-c', consultCData(found.c)));
  }
  logged(turn, f, 'consult.unknown');
  return card(renderCard('consult-list', consultListData({ query: arg, suggestions: found.suggestions })));
}

function readOnly(kind: CommandKind, f: Facts, arg: string, turn: TurnContext): Reply {
  switch (kind) {
    case 'practice-example': {
      const step = practiceStepFor(arg);
      logged(turn, f, 'consult.practice-example', { step });
      return practice(step);
    }
    case 'changes':
      logged(turn, f, 'consult.changes');
      return changes();
    case 'standards':
      logged(turn, f, 'consult.standards');
      return standards();
    default:
      logged(turn, f, 'consult.cautions');
      return cautions();
  }
}

/** Quick consultation: the ten Cs, cautions, the practice example, major changes and standards. Read-only, anywhere. */
export function consultEntries(): Entry[] {
  const command = (name: CommandKind, run: (f: Facts, arg: string, turn: TurnContext) => Reply): Entry =>
    open({ trigger: { kind: 'command', command: name }, family: OPEN, where: 'both', schema: Arg, run: async (f, arg, turn) => run(f, arg, turn) });
  const verb = (v: string, run: (f: Facts, data: unknown, turn: TurnContext) => Reply): Entry =>
    open({ trigger: { kind: 'verb', verb: v }, family: OPEN, where: 'both', schema: Anything, run: async (f, data, turn) => run(f, data, turn) });
  return [
    command('consult', consult),
    command('cautions', (f, arg, turn) => readOnly('cautions', f, arg, turn)),
    command('practice-example', (f, arg, turn) => readOnly('practice-example', f, arg, turn)),
    command('changes', (f, arg, turn) => readOnly('changes', f, arg, turn)),
    command('standards', (f, arg, turn) => readOnly('standards', f, arg, turn)),
    verb(VERBS.consultList, (f, _d, turn) => {
      logged(turn, f, 'consult.list');
      return list();
    }),
    verb(VERBS.consultC, (f, data, turn) => {
      const parsed = ConsultCActionData.safeParse(data);
      if (!parsed.success) {
        logged(turn, f, 'consult.bad-action');
        return list();
      }
      logged(turn, f, 'consult.c', { c: parsed.data.c });
      return card(renderCard('consult-c', consultCData(getC(parsed.data.c))));
    }),
    verb(VERBS.consultTogether, (f, data, turn) => {
      const parsed = ConsultTogetherActionData.safeParse(data);
      if (!parsed.success) {
        logged(turn, f, 'consult.bad-action');
        return list();
      }
      logged(turn, f, 'consult.together', { c: parsed.data.c, band: parsed.data.band });
      return card(renderConsultTogether(parsed.data.c, parsed.data.band));
    }),
    verb(VERBS.cautions, (f, _d, turn) => readOnly('cautions', f, '', turn)),
    verb(VERBS.practiceExample, (f, data, turn) => {
      const parsed = PracticeStepActionData.safeParse(data);
      const step = parsed.success ? parsed.data.step : 0;
      logged(turn, f, 'consult.practice-example', { step });
      return practice(step);
    }),
    verb(VERBS.changes, (f, _d, turn) => readOnly('changes', f, '', turn)),
    verb(VERBS.standards, (f, _d, turn) => readOnly('standards', f, '', turn)),
  ];
}
