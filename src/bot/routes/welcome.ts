import type { Application, TurnState } from '@microsoft/teams-ai';
import { renderWelcomeCard } from '../../cards/welcome-card.js';
import { VERBS } from '../../cards/verbs.js';
import type { BotDeps } from '../app.js';
import type { CommandTable } from '../commands.js';
import { sendCard } from '../send.js';

/** Welcome on install, help on request. */
export function registerWelcome(app: Application<TurnState>, deps: BotDeps, commands: CommandTable): void {
  const welcome = () => renderWelcomeCard(deps.retention);
  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    const added = context.activity.membersAdded ?? [];
    if (added.some((m) => m.id === botId)) {
      deps.logger.info({ event: 'bot.installed', conversationType: context.activity.conversation?.conversationType }, 'Bot added');
      await sendCard(context, welcome());
    }
  });

  commands.help = async (context) => {
    await sendCard(context, welcome());
  };
  app.adaptiveCards.actionExecute(VERBS.help, async () => welcome() as never);
}
