import type { ShareService, TeamStore } from '../tencs/share-service.js';
import { channelOf, type TeamRef } from '../tencs/sharing.js';
import type { Facts } from './facts.js';
import { none } from './reply.js';
import type { EventHandler } from './table.js';

type TeamEvent = 'added' | 'removed' | 'renamed';

/** What an install, removal or rename activity says about a team this bot is in, if anything. */
function teamEventOf(f: Facts, e: Parameters<EventHandler['run']>[1]): TeamEvent | undefined {
  if (!f.team || !f.tenantId) return undefined;
  const isBot = (members: readonly string[]) => Boolean(f.botId && members.includes(f.botId));
  if (f.activityType === 'installationUpdate') {
    if (e.action === 'add' || e.action === 'add-upgrade') return 'added';
    if (e.action === 'remove' || e.action === 'remove-upgrade') return 'removed';
    return undefined;
  }
  if (f.activityType !== 'conversationUpdate') return undefined;
  if (isBot(e.membersAdded)) return 'added';
  if (isBot(e.membersRemoved)) return 'removed';
  if (e.eventType === 'teamDeleted' || e.eventType === 'teamHardDeleted') return 'removed';
  if (e.eventType === 'teamRenamed') return 'renamed';
  return undefined;
}

/**
 * Remembering the teams tencs is installed in. This is bookkeeping beside whatever else answers the
 * activity (the welcome card), so it never replies.
 */
export function teamEvents(service: ShareService, teams: TeamStore): EventHandler {
  return {
    name: 'team',
    async run(f, e) {
      const kind = teamEventOf(f, e);
      const team = f.team;
      const tenantId = f.tenantId;
      if (!kind || !team || !tenantId) return none;
      if (kind === 'removed') {
        const forgotten = await service.teamRemoved(tenantId, team.id);
        e.log.info({ event: 'team.removed', teamId: team.id, tenantId, known: forgotten }, 'Team forgotten');
        return none;
      }
      const known = kind === 'renamed' ? await teams.get(tenantId, team.id) : undefined;
      if (kind === 'renamed' && !known) return none;
      const at = new Date().toISOString();
      const ref: TeamRef = {
        tenantId,
        teamId: team.id,
        teamName: team.name ?? known?.teamName ?? '',
        // The install arrives in the team's General channel; a thread id names its root message too.
        channelId: known?.channelId ?? channelOf(f.conversation.id ?? team.id),
        serviceUrl: f.serviceUrl ?? known?.serviceUrl ?? '',
        botId: f.botId ?? known?.botId ?? '',
        installedAt: known?.installedAt ?? at,
        updatedAt: at,
      };
      await service.teamInstalled(ref);
      e.log.info(
        { event: kind === 'added' ? 'team.installed' : 'team.renamed', teamId: ref.teamId, channelId: ref.channelId, tenantId: ref.tenantId },
        'Team remembered',
      );
      return none;
    },
  };
}
