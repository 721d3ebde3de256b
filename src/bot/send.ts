import { CardFactory, type TurnContext } from 'botbuilder';

/** Sends an Adaptive Card as a new message. */
export async function sendCard(context: TurnContext, card: object): Promise<void> {
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}
