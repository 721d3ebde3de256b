import type { ConversationResource, CreateConversationParams, IMessageActivityInput } from '@microsoft/teams.api';
import type { App } from '@microsoft/teams.apps';
import { ConnectorError } from '../../tencs/connector-retry.js';
import type { ChannelPort } from '../../tencs/share-service.js';
import type { Share } from '../../tencs/sharing.js';
import { memberLookups } from '../member-lookup.js';
import { mentionParts, postedThread } from '../channel-post.js';
import { retryAfterMs } from '../retry-after.js';
import { connectorSignal } from './connector-client.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** What an axios failure from the Teams SDK's API client carries. */
interface ApiFailure {
  readonly name?: string;
  readonly code?: string;
  readonly response?: { readonly status?: number; readonly headers?: Record<string, unknown>; readonly data?: unknown };
}

/** The Retry-After an error response carried, in milliseconds; axios gives header values as strings or numbers. */
function retryAfterOf(error: ApiFailure): number | undefined {
  const headers = error.response?.headers;
  if (!headers) return undefined;
  return retryAfterMs((name) => {
    const value = headers[name];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  });
}

/** The error code in a Bot Connector error body, e.g. MemberNotFoundInConversation. */
function errorCode(error: ApiFailure): string | undefined {
  const data = error.response?.data;
  const body =
    typeof data === 'string'
      ? (() => {
          try {
            return JSON.parse(data) as unknown;
          } catch {
            return undefined;
          }
        })()
      : data;
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : undefined;
}

function toConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const e = (error ?? {}) as ApiFailure;
  const status = typeof e.response?.status === 'number' ? e.response.status : undefined;
  const aborted = e.code === 'ERR_CANCELED' || e.name === 'CanceledError' || e.name === 'AbortError';
  return new ConnectorError(`Bot Connector call failed${status ? ` with ${status}` : ''}`, status, retryAfterOf(e), aborted, { cause: error });
}

/**
 * The domain's ChannelPort over the Teams SDK's API client, with the same contract as the botbuilder
 * host's (../channel-port.ts): a client scoped to the team's serviceUrl, the operation's abort signal
 * on every call (through the client middleware), ids encoded into paths as botbuilder encodes them, and
 * failures as ConnectorError for the domain's retry.
 */
export function createTeamsSdkChannelPort(app: App): ChannelPort {
  const call = async <T>(serviceUrl: string, signal: AbortSignal, fn: (api: App['api']) => Promise<T>): Promise<T> => {
    try {
      return await connectorSignal.run(signal, () => fn(app.api.clone({ serviceUrl })));
    } catch (error) {
      throw toConnectorError(error);
    }
  };

  return {
    ...memberLookups({
      getMember: (team, memberId, signal) =>
        call(team.serviceUrl, signal, (api) => api.conversations.getMemberById(encodeURIComponent(team.teamId), encodeURIComponent(memberId))),
      pagedMembers: async (team, signal) => {
        // The SDK's types promise a members list; a connector that answers without one is read as an empty page.
        const page: { members?: readonly unknown[] } = await call(team.serviceUrl, signal, (api) =>
          api.conversations.getPagedMembers(encodeURIComponent(team.teamId), 100),
        );
        return page.members ?? [];
      },
      errorCode: (error) => errorCode(error.cause ?? {}),
    }),

    async post(team, card, signal, mentions = []) {
      // A new thread in the channel, created as Teams documents it ("create a conversation in a channel":
      // isGroup, the bot, the channel in channelData), answered with the thread id and the activity id.
      // teams.api 2.1.0 marks isGroup and bot deprecated, but its other way (posting to the channel's own
      // conversation) is answered by the Agents Playground without an id when an activity has both text (the
      // @mentions) and a card, so the thread could not be found again; the Playground creates a thread only
      // for isGroup. Kept until the SDK or the Playground offers a supported call that says where the post went.
      const params: CreateConversationParams = {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above: the Playground and Teams' documented call
        isGroup: true,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
        bot: { id: team.botId },
        tenantId: team.tenantId,
        channelData: { channel: { id: team.channelId }, tenant: { id: team.tenantId } },
        activity: { type: 'message', ...mentionParts(mentions), attachments: [{ contentType: ADAPTIVE_CARD, content: card }] },
      };
      const created: Partial<ConversationResource> = await call(team.serviceUrl, signal, (api) => api.conversations.create(params));
      return postedThread(created);
    },

    async update(share: Share, card, signal, mentions = []) {
      if (!share.conversationId || !share.activityId) throw new Error('Share has no posted activity to update');
      const conversationId = share.conversationId;
      const activityId = share.activityId;
      // The conversation goes on the wire as botbuilder sends it; the SDK's own sender adds it the same way.
      const activity: IMessageActivityInput & { readonly conversation: { readonly id: string } } = {
        type: 'message',
        id: activityId,
        conversation: { id: conversationId },
        ...mentionParts(mentions),
        attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
      };
      await call(share.serviceUrl, signal, (api) =>
        api.conversations.updateActivity(encodeURIComponent(conversationId), encodeURIComponent(activityId), activity),
      );
    },
  };
}
