import { Application, TurnState, type AdaptiveCard, type TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, type TurnContext } from 'botbuilder';
import { dispatch } from '../interactions/dispatch.js';
import { MESSAGES } from '../interactions/messages.js';
import type { Reply } from '../interactions/reply.js';
import type { InteractionTable } from '../interactions/table.js';
import type { Logger } from '../log.js';
import { cardActionAnswer, messageInvokeBody } from './card-action-answer.js';
import { commandRouter, guardsThenEvents, turnOf, welcomeOf, type Turn } from './turn.js';

/** Sends a reply as new messages (typed commands, events, guards on messages). */
async function send(context: TurnContext, reply: Reply): Promise<void> {
  switch (reply.kind) {
    case 'card':
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(reply.card)] });
      return;
    case 'message':
      await context.sendActivity(reply.format === 'plain' ? { type: 'message', text: reply.text, textFormat: 'plain' } : { type: 'message', text: reply.text });
      return;
    case 'refusal':
      await send(context, reply.card ? { kind: 'card', card: reply.card } : { kind: 'message', text: MESSAGES[reply.key] });
      return;
    case 'many':
      for (const r of reply.replies) await send(context, r);
      return;
    case 'invoke':
      await context.sendActivity({ type: 'invokeResponse', value: { status: reply.status } });
      return;
    case 'none':
      return;
  }
}

/** The answer to a card action in teams-ai's terms: the card that replaces the pressed one, or words. */
async function answer(context: TurnContext, reply: Reply): Promise<AdaptiveCard | string> {
  const a = await cardActionAnswer(reply, (r) => send(context, r));
  return a.kind === 'card' ? a.card : a.text;
}

/** Answers a throttled or refused turn before routing: a card action gets the words as its invoke response. */
async function answerGuard(context: TurnContext, turn: Turn, reply: Reply): Promise<void> {
  if (turn.facts.activityType === 'invoke' && reply.kind === 'refusal') {
    const value = { status: 200, body: messageInvokeBody(MESSAGES[reply.key]) };
    await context.sendActivity({ type: 'invokeResponse', value });
    return;
  }
  await send(context, reply);
}

/** Binds the interaction table to a teams-ai Application: guards and events before routing, then one route per verb and one for typed text. */
export function createApp(adapter: TeamsAdapter, table: InteractionTable, logger: Logger): Application {
  const app = new Application<TurnState>({ adapter, removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });

  app.turn('beforeTurn', async (context) => {
    const turn = turnOf(context.activity, logger);
    const refusal = await guardsThenEvents(table, turn, (reply) => send(context, reply));
    if (refusal) await answerGuard(context, turn, refusal);
    return !refusal;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const welcome = welcomeOf(table, turnOf(context.activity, logger));
    if (welcome) await send(context, welcome);
  });

  for (const entry of table.entries) {
    if (entry.trigger.kind !== 'verb') continue;
    app.adaptiveCards.actionExecute(entry.trigger.verb, async (context, _state, data: unknown) => {
      const turn = turnOf(context.activity, logger);
      return answer(context, await dispatch(entry, turn.facts, data, turn.log));
    });
  }

  const commands = commandRouter(table);
  app.activity('message', async (context) => {
    await send(context, await commands(turnOf(context.activity, logger)));
  });
  return app;
}
