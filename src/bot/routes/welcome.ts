import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { renderWelcomeCard } from '../../cards/welcome-card.js';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../app.js';
import type { CommandTable } from '../commands.js';
import { sendCard } from '../send.js';

/** Welcome on install, help on request. */
export function registerWelcome(app: Application<TurnState>, deps: BotDeps, commands: CommandTable): void {
  const welcome = (context: TurnContext) =>
    renderWelcomeCard(deps.retention, { personal: (context.activity.conversation?.conversationType ?? 'personal') === 'personal' });
  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (added.some((m) => m.id === botId)) {
      deps.logger.info({ event: 'bot.installed', conversationType: context.activity.conversation?.conversationType }, 'Bot added');
      await sendCard(context, welcome(context));
    }
  });

  commands.help = async (context) => {
    await sendCard(context, welcome(context));
  };
  app.adaptiveCards.actionExecute(VERBS.help, async (context) => welcome(context) as never);
}
