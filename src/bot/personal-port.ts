import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render.js';
import type { Logger } from '../log.js';
import type { PersonalChatDirectory, PersonalMessage } from '../tencs/cycle/cycle-service.js';
import type { Owner } from '../tencs/owner.js';
import type { PersonalPort } from './personal-port-type.js';

interface Conversations {
  createConversation(parameters: Record<string, unknown>, options: { abortSignal: AbortSignal }): Promise<{ id?: string }>;
}

const timeout = () => AbortSignal.timeout(10_000);

/**
 * Writes to a practitioner's personal chat on tencs's own initiative (reminders, hand-over offers,
 * retention warnings), through the adapter's proactive turn as the channel port does for channels.
 * The chat is the one recorded when they last used tencs in personal chat; for someone with none on
 * record, a 1:1 conversation is created (this works when tencs is installed for them). Errors are
 * caught inside the turn and rethrown outside it, so botbuilder never writes an apology anywhere.
 */
export function createPersonalPort(
  adapter: TeamsAdapter,
  botAppId: string,
  directory: PersonalChatDirectory,
  render: (m: PersonalMessage) => AdaptiveCardJson,
  logger: Logger,
): PersonalPort {
  const inTurn = async (reference: Partial<ConversationReference>, fn: (context: TurnContext) => Promise<void>): Promise<void> => {
    let failure: { error: unknown } | undefined;
    let ran = false;
    await adapter.continueConversationAsync(botAppId, reference, async (context) => {
      ran = true;
      try {
        await fn(context);
      } catch (error) {
        failure = { error };
      }
    });
    // `ran` is set inside the turn callback, which the compiler's narrowing cannot see.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (!ran) throw new Error('The proactive turn did not run');
    if (failure) throw failure.error;
  };

  const sendCard = async (to: Owner, card: AdaptiveCardJson, via?: Owner): Promise<boolean> => {
    const activity = { type: 'message', attachments: [CardFactory.adaptiveCard(card)] };
    const ref = await directory.get(to);
    if (ref) {
      await inTurn(
        {
          channelId: 'msteams',
          serviceUrl: ref.serviceUrl,
          bot: { id: ref.botId, name: 'tencs' },
          conversation: { id: ref.conversationId, isGroup: false, conversationType: 'personal', tenantId: to.tenantId, name: '' },
        },
        async (context) => {
          await context.sendActivity(activity);
        },
      );
      return true;
    }
    const viaRef = via ? await directory.get(via) : undefined;
    if (!viaRef) return false;
    try {
      await inTurn(
        {
          channelId: 'msteams',
          serviceUrl: viaRef.serviceUrl,
          bot: { id: viaRef.botId, name: 'tencs' },
          conversation: { id: viaRef.conversationId, isGroup: false, conversationType: 'personal', tenantId: to.tenantId, name: '' },
        },
        async (context) => {
          const client = context.turnState.get<{ conversations: Conversations } | undefined>(context.adapter.ConnectorClientKey);
          if (!client) throw new Error('No connector client in the proactive turn');
          const parameters = {
            isGroup: false,
            bot: { id: viaRef.botId },
            members: [{ id: to.aadObjectId }],
            tenantId: to.tenantId,
            channelData: { tenant: { id: to.tenantId } },
            activity,
          };
          await client.conversations.createConversation(parameters, { abortSignal: timeout() });
        },
      );
      return true;
    } catch (error) {
      // Teams refuses a chat with someone who has not installed tencs: the caller tells the sender kindly.
      logger.warn({ event: 'personal-chat.unreachable', status: (error as { statusCode?: unknown } | null)?.statusCode }, 'Could not open a personal chat');
      return false;
    }
  };

  return {
    send: (to, message, via) => sendCard(to, render(message), via),
    sendCard: (to, card) => sendCard(to, card),
  };
}
