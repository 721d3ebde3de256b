import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import {
  ConsultCActionData,
  PracticeStepActionData,
  cautionsData,
  changesData,
  consultCData,
  consultListData,
  practiceExampleData,
  standardsData,
} from '../../cards/consult-data.js';
import { renderCard, type AdaptiveCardJson } from '../../cards/render.js';
import { VERBS } from '../../cards/verbs.js';
import { findC, parseAgeRequest, practiceStepOf } from '../../tencs/consult.js';
import { ConsultTogetherActionData, renderConsultTogether } from '../../cards/together-cards.js';
import { getC } from '../../tencs/ten-cs.js';
import { parseCommand, type CommandKind } from '../../tencs/commands.js';
import type { BotDeps } from '../app.js';
import type { CommandTable } from '../commands.js';
import { sendCard } from '../send.js';

/** The card for "consult <name>": the C itself, or the list with a "did you mean" when the name matched none. */
function consultCard(arg: string): { card: AdaptiveCardJson; event: string; c?: string } {
  if (!arg.trim()) return { card: renderCard('consult-list', consultListData()), event: 'consult.list' };
  // "consult contact for a 12-year-old": that C in the young person's words for the age (nothing stored).
  const aged = parseAgeRequest(arg);
  const named = aged.kind === 'age' && aged.band ? findC(aged.name) : undefined;
  if (named?.kind === 'found' && aged.kind === 'age' && aged.band) return { card: renderConsultTogether(named.c.id, aged.band), event: 'consult.together', c: named.c.id };
  const found = findC(aged.kind === 'age' ? aged.name : arg);
  if (found.kind === 'found') return { card: renderCard('consult-c', consultCData(found.c)), event: 'consult.c', c: found.c.id };
  return { card: renderCard('consult-list', consultListData({ query: arg, suggestions: found.suggestions })), event: 'consult.unknown' };
}

/** "practice example" starts at the introduction; "practice example contact" jumps to that C's step. */
function practiceStepFor(arg: string): number {
  if (!arg.trim()) return 0;
  const found = findC(arg);
  return found.kind === 'found' ? (practiceStepOf(found.c.id) ?? 0) : 0;
}

/**
 * Quick consultation: the ten Cs, cautions, the practice example, major changes and standards.
 * Read-only by design: no handler here touches storage, in personal chat or in a channel.
 */
/** Commands that "consult X" forwards to: read-only, like consult itself. */
const CONSULT_FAMILY: ReadonlySet<string> = new Set<CommandKind>(['cautions', 'practice-example', 'changes', 'standards']);

export function registerConsult(app: Application<TurnState>, deps: BotDeps, commands: CommandTable): void {
  const log = (context: TurnContext, event: string, extra: Record<string, unknown> = {}): void => {
    deps.logger.info(
      { event, ...extra, activityId: context.activity.id, conversationType: context.activity.conversation?.conversationType },
      'Consultation',
    );
  };

  commands.consult = async (context, arg) => {
    // "consult cautions" and the like mean the other read-only commands, never one that stores.
    const inner = parseCommand(arg);
    if (CONSULT_FAMILY.has(inner.kind)) {
      await commands[inner.kind as CommandKind]?.(context, inner.arg);
      return;
    }
    const { card, event, c } = consultCard(arg);
    log(context, event, c ? { c } : {});
    await sendCard(context, card);
  };
  commands.cautions = async (context) => {
    log(context, 'consult.cautions');
    await sendCard(context, renderCard('consult-cautions', cautionsData()));
  };
  commands['practice-example'] = async (context, arg) => {
    const step = practiceStepFor(arg);
    log(context, 'consult.practice-example', { step });
    await sendCard(context, renderCard('consult-practice-example', practiceExampleData(step)));
  };
  commands.changes = async (context) => {
    log(context, 'consult.changes');
    await sendCard(context, renderCard('consult-changes', changesData()));
  };
  commands.standards = async (context) => {
    log(context, 'consult.standards');
    await sendCard(context, renderCard('consult-standards', standardsData()));
  };

  app.adaptiveCards.actionExecute(VERBS.consultList, async (context) => {
    log(context, 'consult.list');
    return renderCard('consult-list', consultListData()) as never;
  });
  app.adaptiveCards.actionExecute(VERBS.consultC, async (context, _state, data) => {
    const parsed = ConsultCActionData.safeParse(data);
    // A forged or stale button gets the list rather than an error: there is nothing to protect here.
    if (!parsed.success) {
      log(context, 'consult.bad-action');
      return renderCard('consult-list', consultListData()) as never;
    }
    log(context, 'consult.c', { c: parsed.data.c });
    return renderCard('consult-c', consultCData(getC(parsed.data.c))) as never;
  });
  app.adaptiveCards.actionExecute(VERBS.consultTogether, async (context, _state, data) => {
    const parsed = ConsultTogetherActionData.safeParse(data);
    if (!parsed.success) {
      log(context, 'consult.bad-action');
      return renderCard('consult-list', consultListData()) as never;
    }
    log(context, 'consult.together', { c: parsed.data.c, band: parsed.data.band });
    return renderConsultTogether(parsed.data.c, parsed.data.band) as never;
  });
  app.adaptiveCards.actionExecute(VERBS.cautions, async (context) => {
    log(context, 'consult.cautions');
    return renderCard('consult-cautions', cautionsData()) as never;
  });
  app.adaptiveCards.actionExecute(VERBS.practiceExample, async (context, _state, data) => {
    const parsed = PracticeStepActionData.safeParse(data);
    const step = parsed.success ? parsed.data.step : 0;
    log(context, 'consult.practice-example', { step });
    return renderCard('consult-practice-example', practiceExampleData(step)) as never;
  });
  app.adaptiveCards.actionExecute(VERBS.changes, async (context) => {
    log(context, 'consult.changes');
    return renderCard('consult-changes', changesData()) as never;
  });
  app.adaptiveCards.actionExecute(VERBS.standards, async (context) => {
    log(context, 'consult.standards');
    return renderCard('consult-standards', standardsData()) as never;
  });
}
