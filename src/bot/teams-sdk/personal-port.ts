import type { App } from '@microsoft/teams.apps';
import type { AdaptiveCardJson } from '../../cards/render.js';
import type { Logger } from '../../log.js';
import type { PersonalChatDirectory, PersonalMessage } from '../../tencs/cycle/cycle-service.js';
import type { Owner } from '../../tencs/owner.js';
import type { PersonalPort } from '../personal-port-type.js';
import { connectorSignal } from './connector-client.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const timeout = () => AbortSignal.timeout(10_000);

/**
 * The personal-chat port over the Teams SDK's API client, with the same contract as the botbuilder
 * host's (../personal-port.ts): the chat recorded when the practitioner last used tencs, otherwise a
 * new 1:1 conversation through a colleague's service URL; false when Teams refuses (tencs not installed).
 */
export function createTeamsSdkPersonalPort(
  app: App,
  directory: PersonalChatDirectory,
  render: (m: PersonalMessage) => AdaptiveCardJson,
  logger: Logger,
): PersonalPort {
  const sendCard = async (to: Owner, card: AdaptiveCardJson, via?: Owner): Promise<boolean> => {
    const activity = { type: 'message' as const, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] };
    const ref = await directory.get(to);
    if (ref) {
      await connectorSignal.run(timeout(), () =>
        app.api.clone({ serviceUrl: ref.serviceUrl }).conversations.createActivity(encodeURIComponent(ref.conversationId), activity),
      );
      return true;
    }
    const viaRef = via ? await directory.get(via) : undefined;
    if (!viaRef) return false;
    try {
      await connectorSignal.run(timeout(), () =>
        // A 1:1 chat, as the SDK itself opens one: the member and the tenant say which (it no longer takes isGroup or bot).
        app.api.clone({ serviceUrl: viaRef.serviceUrl }).conversations.create({
          members: [{ id: to.aadObjectId, role: 'user' }],
          tenantId: to.tenantId,
          channelData: { tenant: { id: to.tenantId } },
          activity,
        }),
      );
      return true;
    } catch (error) {
      // Teams refuses a chat with someone who has not installed tencs: the caller tells the sender kindly.
      logger.warn(
        { event: 'personal-chat.unreachable', status: (error as { response?: { status?: unknown } } | null)?.response?.status },
        'Could not open a personal chat',
      );
      return false;
    }
  };
  return {
    send: (to, message, via) => sendCard(to, render(message), via),
    sendCard: (to, card) => sendCard(to, card),
  };
}
