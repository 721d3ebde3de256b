import { Application, TurnState, type AdaptiveCard, type TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, type TurnContext } from 'botbuilder';
import { activityOf, type Activity } from '../interactions/activity.js';
import { dispatch } from '../interactions/dispatch.js';
import { facts, type Facts } from '../interactions/facts.js';
import { MESSAGES } from '../interactions/messages.js';
import type { Reply } from '../interactions/reply.js';
import type { InteractionTable } from '../interactions/table.js';
import type { Logger } from '../log.js';
import { parseCommand } from '../tencs/commands.js';
import { cardActionAnswer, messageInvokeBody } from './card-action-answer.js';

interface Turn {
  readonly activity: Activity;
  readonly facts: Facts;
  readonly log: Logger;
}

/** The SDK's activity through the SDK-free shape, its facts, and a logger that carries the activity id. */
function turnOf(context: TurnContext, logger: Logger): Turn {
  const activity = activityOf(context.activity);
  const f = facts(activity);
  return { activity, facts: f, log: logger.child({ activityId: f.activityId }) };
}

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
    const turn = turnOf(context, logger);
    const a = turn.activity;
    for (const guard of table.guards) {
      const decision = guard.check(turn.facts, { log: turn.log, activityName: a.name, attachments: a.attachments ?? [] });
      if (decision.stop) {
        await answerGuard(context, turn, decision.reply);
        return false;
      }
    }
    const members = (list: Activity['membersAdded']) => (list ?? []).flatMap((m) => (m.id ? [m.id] : []));
    for (const event of table.events) {
      const reply = await event.run(turn.facts, {
        log: turn.log,
        membersAdded: members(a.membersAdded),
        membersRemoved: members(a.membersRemoved),
        action: a.action,
        eventType: a.channelData?.eventType,
      });
      await send(context, reply);
    }
    return true;
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const turn = turnOf(context, logger);
    const botId = turn.facts.botId;
    if (botId && (turn.activity.membersAdded ?? []).some((m) => m.id === botId)) {
      turn.log.info({ event: 'bot.installed', conversationType: turn.facts.conversation.type }, 'Bot added');
      await send(context, table.welcome(turn.facts));
    }
  });

  for (const entry of table.entries) {
    if (entry.trigger.kind !== 'verb') continue;
    app.adaptiveCards.actionExecute(entry.trigger.verb, async (context, _state, data: unknown) => {
      const turn = turnOf(context, logger);
      return answer(context, await dispatch(entry, turn.facts, data, turn.log));
    });
  }

  app.activity('message', async (context) => {
    const turn = turnOf(context, logger);
    const parsed = parseCommand(turn.activity.text);
    turn.log.info({ event: 'message.command', command: parsed.kind }, 'Command');
    const entry = table.entries.find((e) => e.trigger.kind === 'command' && e.trigger.command === parsed.kind);
    const reply = entry
      ? await dispatch(entry, turn.facts, parsed.arg, turn.log)
      : table.unknown(turn.facts, turn.activity.text, turn.activity.value !== undefined && turn.activity.value !== null);
    await send(context, reply);
  });
  return app;
}
