import { Application, TurnState } from '@microsoft/teams-ai';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, type TurnContext } from 'botbuilder';
import type { Logger } from '../log.js';
import { renderCard } from '../cards/render.js';
import { VERBS } from '../cards/verbs.js';

/** What the bot's handlers need from the rest of the system. */
export interface BotDeps {
  readonly logger: Logger;
}

/** Sends an Adaptive Card as a new message. */
export async function sendCard(context: TurnContext, card: object): Promise<void> {
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

/** Builds the teams-ai Application with every route registered. */
export function createApp(adapter: TeamsAdapter, deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (added.some((m) => m.id === botId)) {
      deps.logger.info({ event: 'bot.installed', conversationType: context.activity.conversation?.conversationType }, 'Bot added');
      await sendCard(context, renderCard('welcome', {}));
    }
  });

  app.activity('message', async (context) => {
    await sendCard(context, renderCard('welcome', {}));
  });

  app.adaptiveCards.actionExecute(VERBS.help, async () => renderCard('welcome', {}) as never);
  app.adaptiveCards.actionExecute(VERBS.start, async () => renderCard('welcome', {}) as never);

  return app;
}
