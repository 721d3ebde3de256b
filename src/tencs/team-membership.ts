import type { Logger } from '../log.js';
import { ConnectorFailure, withConnectorRetry, type RetryPolicy } from './connector-retry.js';
import type { ChannelPort, TeamStore } from './share-service.js';

interface MembershipDeps {
  readonly teams: TeamStore;
  readonly port: ChannelPort;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
}

/** What Teams says about one person and one team: a member, definitively not a member, or it could not say. */
export type Membership = 'member' | 'not-member' | 'unknown';
export type MembershipCheck = (tenantId: string, teamId: string, userId: string) => Promise<Membership>;

/**
 * Asks Teams (through the channel port, with the connector retry policy), keeping "not a member" (Teams
 * answered MemberNotFoundInConversation) apart from "could not say" (a team tencs is not in, tencs removed
 * from it, Teams not answering; logged), for decisions that must fail closed either way but say different
 * things, e.g. whether a practitioner has left.
 */
export function createMembershipCheck(deps: MembershipDeps, event = 'membership.check-failed'): MembershipCheck {
  return async (tenantId, teamId, userId) => {
    const team = await deps.teams.get(tenantId, teamId);
    if (!team) return 'unknown';
    try {
      return (await withConnectorRetry((signal) => deps.port.isMember(team, userId, signal), deps.retry)) ? 'member' : 'not-member';
    } catch (error) {
      if (!(error instanceof ConnectorFailure)) throw error;
      deps.logger.warn({ event, teamId, kind: error.kind, status: error.status }, 'Team membership could not be checked');
      return 'unknown';
    }
  };
}

/** Whether a user is a member of a team tencs knows in their tenant, as Teams says; false when Teams cannot say. */
export type TeamMembership = (tenantId: string, teamId: string, userId: string) => Promise<boolean>;

/** The yes/no form of createMembershipCheck: a team tencs is not in, or a Teams that does not answer, means no. */
export function createTeamMembership(deps: MembershipDeps): TeamMembership {
  const check = createMembershipCheck(deps, 'privacy.member-check-failed');
  return async (tenantId, teamId, userId) => (await check(tenantId, teamId, userId)) === 'member';
}
