import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, type ConversationReference, type TurnContext } from 'botbuilder';
import { ConnectorError } from '../tencs/connector-retry.js';
import type { ChannelPort } from '../tencs/share-service.js';
import type { Share, TeamRef } from '../tencs/sharing.js';
import { memberLookups } from './member-lookup.js';
import { mentionParts, postedThread } from './channel-post.js';
import { retryAfterMs } from './retry-after.js';

/** The parts of botframework-connector's ConnectorClient we call, each with an abort signal. */
interface Conversations {
  createConversation(parameters: Record<string, unknown>, options: { abortSignal: AbortSignal }): Promise<{ id?: string; activityId?: string }>;
  updateActivity(conversationId: string, activityId: string, activity: Record<string, unknown>, options: { abortSignal: AbortSignal }): Promise<unknown>;
  getConversationMember(conversationId: string, memberId: string, options: { abortSignal: AbortSignal }): Promise<unknown>;
  getConversationPagedMembers(conversationId: string, options: { abortSignal: AbortSignal; pageSize?: number }): Promise<{ members?: unknown[] }>;
}

/** The Retry-After an error response carried, in milliseconds; the response headers come as a Headers-like object or a plain record. */
function retryAfterOf(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: unknown } } | null)?.response?.headers as
    { get?: (name: string) => string | undefined; [name: string]: unknown } | undefined;
  if (!headers) return undefined;
  return retryAfterMs((name) => (typeof headers.get === 'function' ? headers.get(name) : (headers[name] as string | undefined)));
}

/** The error code in a Bot Connector error body, e.g. MemberNotFoundInConversation. */
function errorCode(error: unknown): string | undefined {
  const e = error as {
    code?: unknown;
    details?: { error?: { code?: unknown } };
    response?: { bodyAsText?: unknown; parsedBody?: { error?: { code?: unknown } } };
  } | null;
  const fromBody = e?.response?.parsedBody?.error?.code ?? e?.details?.error?.code;
  if (typeof fromBody === 'string') return fromBody;
  const text = e?.response?.bodyAsText;
  if (typeof text === 'string') {
    try {
      const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
      if (typeof code === 'string') return code;
    } catch {
      // Not JSON: there is no code to read.
    }
  }
  return undefined;
}

/**
 * What a call failed with, for the retry loop. A call whose signal has fired was cut short by the budget,
 * whatever error won the race out of the HTTP client: its abort listener rejects with an AbortError, but
 * destroying the request also emits a socket error, which it rejects as a RestError (REQUEST_SEND_ERROR)
 * when that comes first. Either way Teams did not answer in time, and the post may still have landed.
 */
function toConnectorError(error: unknown, signal: AbortSignal): ConnectorError {
  const e = error as { statusCode?: unknown; name?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const aborted = e?.name === 'AbortError' || (status === undefined && signal.aborted);
  return new ConnectorError(`Bot Connector call failed${status ? ` with ${status}` : ''}`, status, retryAfterOf(error), aborted, { cause: error });
}

/**
 * The Bot Connector through the adapter: a proactive turn into the team's conversation gives an
 * authenticated connector client for that team's serviceUrl, and each call carries the retry loop's
 * abort signal. Errors are caught inside the turn and rethrown outside it, because botbuilder would
 * otherwise hand them to onTurnError, which writes an apology into the team's channel.
 */
export function createChannelPort(adapter: TeamsAdapter, botAppId: string): ChannelPort {
  const withClient = async <T>(reference: Partial<ConversationReference>, fn: (client: Conversations) => Promise<T>): Promise<T> => {
    let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await adapter.continueConversationAsync(botAppId, reference, async (context: TurnContext) => {
      try {
        const client = context.turnState.get<{ conversations: Conversations } | undefined>(context.adapter.ConnectorClientKey);
        if (!client) throw new Error('No connector client in the proactive turn');
        result = { ok: true, value: await fn(client.conversations) };
      } catch (error) {
        result = { ok: false, error };
      }
    });
    if (!result) throw new Error('The proactive turn did not run');
    if (!result.ok) throw result.error;
    return result.value;
  };

  const teamReference = (team: TeamRef): Partial<ConversationReference> => ({
    channelId: 'msteams',
    serviceUrl: team.serviceUrl,
    bot: { id: team.botId, name: 'tencs' },
    conversation: { id: team.channelId, isGroup: true, conversationType: 'channel', tenantId: team.tenantId, name: team.teamName },
  });

  return {
    ...memberLookups({
      getMember: async (team, memberId, signal) => {
        try {
          return await withClient(teamReference(team), (c) => c.getConversationMember(team.teamId, memberId, { abortSignal: signal }));
        } catch (error) {
          throw toConnectorError(error, signal);
        }
      },
      pagedMembers: async (team, signal) => {
        try {
          const answer = await withClient(teamReference(team), (c) => c.getConversationPagedMembers(team.teamId, { abortSignal: signal, pageSize: 100 }));
          return answer.members ?? [];
        } catch (error) {
          throw toConnectorError(error, signal);
        }
      },
      errorCode: (error) => errorCode(error.cause),
    }),

    async post(team, card, signal, mentions = []) {
      const parameters = {
        isGroup: true,
        bot: { id: team.botId },
        tenantId: team.tenantId,
        channelData: { channel: { id: team.channelId }, tenant: { id: team.tenantId } },
        activity: { type: 'message', ...mentionParts(mentions), attachments: [CardFactory.adaptiveCard(card)] },
      };
      let created: { id?: string; activityId?: string };
      try {
        created = await withClient(teamReference(team), (c) => c.createConversation(parameters, { abortSignal: signal }));
      } catch (error) {
        throw toConnectorError(error, signal);
      }
      return postedThread(created);
    },

    async update(share: Share, card, signal, mentions = []) {
      if (!share.conversationId || !share.activityId) throw new Error('Share has no posted activity to update');
      const conversationId = share.conversationId;
      const activityId = share.activityId;
      const reference: Partial<ConversationReference> = {
        channelId: 'msteams',
        serviceUrl: share.serviceUrl,
        conversation: { id: conversationId, isGroup: true, conversationType: 'channel', tenantId: share.tenantId, name: share.teamName },
      };
      try {
        await withClient(reference, (c) =>
          c.updateActivity(
            conversationId,
            activityId,
            { type: 'message', id: activityId, conversation: { id: conversationId }, ...mentionParts(mentions), attachments: [CardFactory.adaptiveCard(card)] },
            { abortSignal: signal },
          ),
        );
      } catch (error) {
        throw toConnectorError(error, signal);
      }
    },
  };
}
