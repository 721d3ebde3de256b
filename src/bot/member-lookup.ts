import { z } from 'zod';
import { ConnectorError } from '../tencs/connector-retry.js';
import type { ChannelPort } from '../tencs/share-service.js';
import type { TeamRef } from '../tencs/sharing.js';

/** A member as the Bot Connector answers it (both hosts read it the same way); anything else is not used. */
export const MemberAnswer = z.object({ id: z.string().min(1).max(256), name: z.string().max(512).optional(), aadObjectId: z.string().max(64).optional() });

/** The two member calls a host makes to the Bot Connector, each failing with a ConnectorError (its cause the SDK's error). */
export interface MemberCalls {
  /** One member of the team, looked up by Teams user id or Entra object id, as the connector answers it. */
  getMember(team: TeamRef, memberId: string, signal: AbortSignal): Promise<unknown>;
  /** The first page (up to 100) of the team's members, as the connector answers them. */
  pagedMembers(team: TeamRef, signal: AbortSignal): Promise<readonly unknown[]>;
  /** The error code in the Bot Connector's error body (e.g. MemberNotFoundInConversation), read from the SDK's error. */
  errorCode(error: ConnectorError): string | undefined;
}

/**
 * The member half of the ChannelPort, the same on both hosts: each host gives only its SDK's calls.
 * Only a 404 with MemberNotFoundInConversation means "not a member"; any other 404 (no such team) is the
 * bot having gone, and is thrown.
 */
export function memberLookups(calls: MemberCalls): Pick<ChannelPort, 'isMember' | 'member' | 'listMembers'> {
  const notAMember = (error: unknown): boolean =>
    error instanceof ConnectorError && error.status === 404 && calls.errorCode(error) === 'MemberNotFoundInConversation';

  const listMembers: ChannelPort['listMembers'] = async (team, signal) => {
    const members = await calls.pagedMembers(team, signal);
    return members.flatMap((m) => {
      const parsed = MemberAnswer.safeParse(m);
      return parsed.success && parsed.data.aadObjectId ? [{ id: parsed.data.id, aadObjectId: parsed.data.aadObjectId, name: parsed.data.name ?? '' }] : [];
    });
  };

  return {
    async isMember(team, userId, signal) {
      try {
        await calls.getMember(team, userId, signal);
        return true;
      } catch (error) {
        if (notAMember(error)) return false;
        throw error;
      }
    },

    async member(team, aadObjectId, signal) {
      let answer: unknown;
      try {
        // Teams takes the Entra object id here and answers with the member's Teams user id (MRI).
        answer = await calls.getMember(team, aadObjectId, signal);
      } catch (error) {
        if (!notAMember(error)) throw error;
        // A connector that looks members up by Teams id only (the Agents Playground) answers "not found"
        // for an object id: look for it among the team's members before saying no.
        const page = await listMembers(team, signal);
        const found = page.find((m) => m.aadObjectId.toLowerCase() === aadObjectId.toLowerCase());
        return found ? { id: found.id, name: found.name } : undefined;
      }
      const parsed = MemberAnswer.safeParse(answer);
      if (!parsed.success) throw new ConnectorError('The connector answered a member lookup without a member id', undefined, undefined, false);
      return { id: parsed.data.id, name: parsed.data.name ?? '' };
    },

    listMembers,
  };
}
