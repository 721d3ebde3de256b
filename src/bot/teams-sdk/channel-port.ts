import type { App } from '@microsoft/teams.apps';
import { ConnectorError } from '../../tencs/connector-retry.js';
import type { ChannelPort } from '../../tencs/share-service.js';
import type { Share, TeamRef } from '../../tencs/sharing.js';
import { retryAfterMs } from '../retry-after.js';
import { connectorSignal } from './connector-client.js';
import { MemberAnswer, mentionParts } from '../mentions.js';

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
    async isMember(team: TeamRef, userId, signal) {
      try {
        await call(team.serviceUrl, signal, (api) => api.conversations.members(encodeURIComponent(team.teamId)).getById(encodeURIComponent(userId)));
        return true;
      } catch (error) {
        const e = error as ConnectorError;
        // Only this code means "not a member"; any other 404 (no such team) is the bot having gone.
        if (e.status === 404 && errorCode(e.cause as ApiFailure) === 'MemberNotFoundInConversation') return false;
        throw e;
      }
    },

    async member(team, aadObjectId, signal) {
      let answer: unknown;
      try {
        // Teams takes the Entra object id here and answers with the member's Teams user id (MRI).
        answer = await call(team.serviceUrl, signal, (api) =>
          api.conversations.members(encodeURIComponent(team.teamId)).getById(encodeURIComponent(aadObjectId)),
        );
      } catch (error) {
        const e = error as ConnectorError;
        if (e.status !== 404 || errorCode(e.cause as ApiFailure) !== 'MemberNotFoundInConversation') throw e;
        // A connector that looks members up by Teams id only (the Agents Playground): search the team's members.
        const page = await this.listMembers(team, signal);
        const found = page.find((m) => m.aadObjectId.toLowerCase() === aadObjectId.toLowerCase());
        return found?.id ? { id: found.id, name: found.name } : undefined;
      }
      const parsed = MemberAnswer.safeParse(answer);
      if (!parsed.success) throw new ConnectorError('The connector answered a member lookup without a member id', undefined, undefined, false);
      return { id: parsed.data.id, name: parsed.data.name ?? '' };
    },

    async listMembers(team, signal) {
      const answer = (await call(team.serviceUrl, signal, (api) => api.conversations.members(encodeURIComponent(team.teamId)).getPaged(100))) as {
        members?: unknown[];
      };
      return (answer.members ?? []).flatMap((m) => {
        const parsed = MemberAnswer.safeParse(m);
        return parsed.success && parsed.data.aadObjectId ? [{ id: parsed.data.id, aadObjectId: parsed.data.aadObjectId, name: parsed.data.name ?? '' }] : [];
      });
    },

    async post(team, card, signal, mentions = []) {
      const created = (await call(team.serviceUrl, signal, (api) =>
        api.conversations.create({
          isGroup: true,
          bot: { id: team.botId },
          tenantId: team.tenantId,
          channelData: { channel: { id: team.channelId }, tenant: { id: team.tenantId } },
          activity: { type: 'message', ...mentionParts(mentions), attachments: [{ contentType: ADAPTIVE_CARD, content: card }] },
        } as never),
      )) as { id?: string; activityId?: string };
      const conversationId = created.id;
      // Teams names the thread `${channel};messageid=${activityId}`; read the id from there if it is not given.
      const activityId = created.activityId ?? /;messageid=(.+)$/.exec(conversationId ?? '')?.[1];
      if (!conversationId || !activityId) throw new ConnectorError('The connector did not say where the post went', undefined, undefined, false);
      return { conversationId, activityId };
    },

    async update(share: Share, card, signal, mentions = []) {
      if (!share.conversationId || !share.activityId) throw new Error('Share has no posted activity to update');
      const conversationId = share.conversationId;
      const activityId = share.activityId;
      await call(share.serviceUrl, signal, (api) =>
        api.conversations.activities(encodeURIComponent(conversationId)).update(encodeURIComponent(activityId), {
          type: 'message',
          id: activityId,
          conversation: { id: conversationId },
          ...mentionParts(mentions),
          attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
        } as never),
      );
    },
  };
}
