import type { LocalSafeguarding } from '../../tencs/safety.js';
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderNoticeCard } from '../../cards/assessment-cards.js';
import { CardTooLargeError, type AdaptiveCardJson } from '../../cards/render.js';
import { renderShareChoose, renderShareResult, renderSummaryView } from '../../cards/share-cards.js';
import { AssessmentActionData, NoteActionData, PostActionData, ShareActionData } from '../../cards/summary-data.js';
import { VERBS } from '../../cards/verbs.js';
import { NotFoundError, StorageUnavailableError } from '../../storage/errors.js';
import type { AuditLog } from '../../tencs/audit.js';
import type { RetryPolicy } from '../../tencs/connector-retry.js';
import type { Owner } from '../../tencs/owner.js';
import { NOTE_RATE, ShareService, type AssessmentLookup, type ShareStore, type TeamStore } from '../../tencs/share-service.js';
import { channelOf, type TeamRef } from '../../tencs/sharing.js';
import type { BotDeps } from '../app.js';
import { createChannelPort } from '../channel-port.js';
import { createRateLimiter } from '../rate-limiter.js';
import { ownerOf } from '../owner.js';

/** What sharing to a team channel needs from the composition root. */
export interface SharingDeps {
  readonly teams: TeamStore;
  readonly shares: ShareStore;
  /** Reads an assessment by its owner's key, to re-make a shared summary for the thread. */
  readonly lookup: AssessmentLookup;
  readonly audit: AuditLog;
  /** The bot's app id for proactive turns ('' when authentication is off on loopback). */
  readonly botAppId: string;
  readonly retry?: RetryPolicy;
  /** The council's safeguarding procedures link and out-of-hours number for summaries' routes to safety. */
  readonly safeguarding?: LocalSafeguarding;
}

export const NOT_YOURS_MESSAGE =
  "I couldn't find that assessment among yours. Each practitioner can only view, copy or share their own assessments.";
export const REFUSED_ACTION_MESSAGE =
  'Only members of the team this summary was shared with, and the practitioner who shared it, can acknowledge it or add supervision notes. Nothing was recorded.';
export const NOT_HERE_TITLE = 'Summaries stay in our personal chat';
export const NOT_HERE_MESSAGE =
  "To keep case details private, I only show an assessment's summary in your personal chat with me, or in the team thread it was shared to. Nothing was recorded or shown here. Open a chat with tencs to view, copy or share it.";
export const UNKNOWN_SHARE_MESSAGE = "I can't find this shared summary any more, so nothing was recorded.";
export const COPY_SENT_MESSAGE = "I've sent you the summary as plain text in our chat, ready to paste into your case record.";
export const COPY_PERSONAL_ONLY = 'Copy for case record works in your personal chat with tencs, so the text is only sent to you.';
export const STORAGE_DOWN = "I couldn't reach storage just now, so I couldn't do that. Nothing saved earlier is lost. Please try again in a minute.";

const Id = z.string().trim().min(1).max(256);

const TeamInfo = z.object({ id: Id, name: z.string().max(256).optional() });

/** The tenant an activity comes from, lower-cased. */
function tenantOf(context: TurnContext): string | undefined {
  const a = context.activity;
  const t = Id.safeParse((a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ?? a.conversation?.tenantId);
  return t.success ? t.data.toLowerCase() : undefined;
}

/** What an install or removal activity says about a team, if it is about this bot in a team. */
function teamEvent(context: TurnContext): { kind: 'added' | 'removed' | 'renamed'; tenantId: string; team: z.infer<typeof TeamInfo> } | undefined {
  const a = context.activity;
  const channelData = (a.channelData ?? {}) as { eventType?: unknown; team?: unknown };
  const team = TeamInfo.safeParse(channelData.team);
  const tenantId = tenantOf(context);
  if (!team.success || !tenantId) return undefined;
  const botId = a.recipient?.id;
  const isBot = (members: { id?: string }[] | undefined) => Boolean(botId && members?.some((m) => m.id === botId));
  if (a.type === 'installationUpdate') {
    const action = String(a.action ?? '');
    if (action === 'add' || action === 'add-upgrade') return { kind: 'added', tenantId, team: team.data };
    if (action === 'remove' || action === 'remove-upgrade') return { kind: 'removed', tenantId, team: team.data };
    return undefined;
  }
  if (a.type !== 'conversationUpdate') return undefined;
  if (isBot(a.membersAdded)) return { kind: 'added', tenantId, team: team.data };
  if (isBot(a.membersRemoved)) return { kind: 'removed', tenantId, team: team.data };
  const eventType = String(channelData.eventType ?? '');
  if (eventType === 'teamDeleted' || eventType === 'teamHardDeleted') return { kind: 'removed', tenantId, team: team.data };
  if (eventType === 'teamRenamed') return { kind: 'renamed', tenantId, team: team.data };
  return undefined;
}

/**
 * Sharing to a team channel: remembering the teams tencs is installed in, the summary and its
 * "Copy for case record" for the practitioner, "Share with my team", and the thread's
 * Acknowledge and Add a supervision note.
 */
export function registerShare(app: Application<TurnState>, deps: BotDeps): void {
  const { logger } = deps;
  const sharingDeps = deps.sharing;
  const service = new ShareService({
    teams: sharingDeps.teams,
    shares: sharingDeps.shares,
    owned: deps.assessments,
    lookup: sharingDeps.lookup,
    audit: sharingDeps.audit,
    port: createChannelPort(app.adapter as TeamsAdapter, sharingDeps.botAppId),
    render: renderSummaryView,
    noteLimiter: createRateLimiter(NOTE_RATE),
    ...(sharingDeps.retry ? { retry: sharingDeps.retry } : {}),
    ...(sharingDeps.safeguarding ? { safeguarding: sharingDeps.safeguarding } : {}),
  });

  // Install and removal are bookkeeping beside whatever else answers the activity (the welcome card), so
  // they run before routing rather than as a route, which would stop the welcome route from running.
  app.turn('beforeTurn', async (context) => {
    const event = teamEvent(context);
    if (!event) return true;
    const a = context.activity;
    if (event.kind === 'removed') {
      const forgotten = await service.teamRemoved(event.tenantId, event.team.id);
      logger.info({ event: 'team.removed', teamId: event.team.id, tenantId: event.tenantId, known: forgotten }, 'Team forgotten');
      return true;
    }
    const known = event.kind === 'renamed' ? await sharingDeps.teams.get(event.tenantId, event.team.id) : undefined;
    if (event.kind === 'renamed' && !known) return true;
    const at = new Date().toISOString();
    const team: TeamRef = {
      tenantId: event.tenantId,
      teamId: event.team.id,
      teamName: event.team.name ?? known?.teamName ?? '',
      // The install arrives in the team's General channel; a thread id names its root message too.
      channelId: known?.channelId ?? channelOf(a.conversation?.id ?? event.team.id),
      serviceUrl: a.serviceUrl ?? known?.serviceUrl ?? '',
      botId: a.recipient?.id ?? known?.botId ?? '',
      installedAt: known?.installedAt ?? at,
      updatedAt: at,
    };
    await service.teamInstalled(team);
    logger.info({ event: event.kind === 'added' ? 'team.installed' : 'team.renamed', teamId: team.teamId, channelId: team.channelId, tenantId: team.tenantId }, 'Team remembered');
    return true;
  });

  type Result = AdaptiveCardJson | string;

  /** One verb: who is asking, zod-parse the data, run, and turn known failures into kind words. */
  const verb = <S extends z.ZodTypeAny>(name: string, schema: S, run: (owner: Owner, data: z.infer<S>, context: TurnContext) => Promise<Result>, where: 'personal' | 'any' = 'any') => {
    app.adaptiveCards.actionExecute(name, async (context, _state, data) => {
      // Assessment content (case reference, typed text) is only ever shown in personal chat.
      if (where === 'personal' && (context.activity.conversation?.conversationType ?? 'personal') !== 'personal') {
        logger.info({ event: 'share.not-personal', verb: name, conversationType: context.activity.conversation?.conversationType, activityId: context.activity.id }, 'Summary verb outside personal chat');
        return renderNoticeCard(NOT_HERE_TITLE, NOT_HERE_MESSAGE, { personal: false }) as never;
      }
      const owner = ownerOf(context);
      if (!owner) return 'I could not tell who sent this, so I did nothing. Please use tencs from Microsoft Teams.' as never;
      const parsed = schema.safeParse(data ?? {});
      if (!parsed.success) {
        logger.warn({ event: 'card.invalid-data', verb: name, activityId: context.activity.id }, 'Card data rejected');
        return 'This card is out of date or incomplete, so I did not act on it.' as never;
      }
      try {
        return (await run(owner, parsed.data, context)) as never;
      } catch (error) {
        if (error instanceof NotFoundError) {
          logger.warn({ event: 'share.not-found', verb: name, activityId: context.activity.id }, 'Assessment not found for sender');
          return renderNoticeCard("I can't open that assessment", NOT_YOURS_MESSAGE, { personal: (context.activity.conversation?.conversationType ?? 'personal') === 'personal' }) as never;
        }
        if (error instanceof StorageUnavailableError) {
          logger.warn({ event: 'share.storage-unavailable', verb: name, statusCode: error.statusCode }, 'Storage unavailable');
          return STORAGE_DOWN as never;
        }
        if (error instanceof CardTooLargeError) {
          logger.error({ event: 'share.card-too-large', card: error.card, bytes: error.bytes }, 'Summary card too large');
          return 'The summary is too long for Teams to show on one card. Please use Copy for case record instead.' as never;
        }
        throw error;
      }
    });
  };

  verb(VERBS.summaryView, AssessmentActionData, async (owner, data) => renderSummaryView(await service.preview(owner, data.assessmentId)), 'personal');

  verb(VERBS.summaryCopy, AssessmentActionData, async (owner, data, context) => {
    if (context.activity.conversation?.conversationType !== 'personal') return COPY_PERSONAL_ONLY;
    const text = await service.caseRecord(owner, data.assessmentId);
    // Plain text: the case system gets exactly these characters, and nothing typed becomes a link.
    await context.sendActivity({ type: 'message', text, textFormat: 'plain' });
    logger.info({ event: 'summary.copied', assessmentId: data.assessmentId }, 'Case record text sent');
    return COPY_SENT_MESSAGE;
  });

  verb(VERBS.shareChoose, AssessmentActionData, async (owner, data, context) => {
    const view = await service.preview(owner, data.assessmentId, 'share-choose');
    return renderShareChoose(view.assessmentId, view.summary.caseRef, await service.teamsFor(owner, context.activity.from?.id ?? owner.aadObjectId));
  }, 'personal');

  verb(VERBS.sharePost, PostActionData, async (owner, data, context) => {
    if (!data.teamId) return renderShareChoose(data.assessmentId, '', await service.teamsFor(owner, context.activity.from?.id ?? owner.aadObjectId));
    const outcome = await service.share({
      owner,
      ownerName: context.activity.from?.name ?? '',
      userId: context.activity.from?.id ?? owner.aadObjectId,
      assessmentId: data.assessmentId,
      teamId: data.teamId,
    });
    logger.info(
      {
        event: 'share.outcome',
        outcome: outcome.kind,
        failure: outcome.kind === 'connector' ? outcome.failure.kind : undefined,
        status: outcome.kind === 'connector' ? outcome.failure.status : undefined,
        assessmentId: data.assessmentId,
        teamId: data.teamId,
      },
      'Share',
    );
    return renderShareResult(data.assessmentId, outcome);
  }, 'personal');

  const act = async (owner: Owner, shareId: string, context: TurnContext, action: { kind: 'ack' } | { kind: 'note'; text: string; requestId: string }): Promise<Result> => {
    const a = context.activity;
    const at = new Date(a.timestamp ?? Date.now());
    const outcome = await service.act({
      actor: owner,
      actorName: a.from?.name ?? '',
      shareId,
      origin: { conversationId: a.conversation?.id ?? '', conversationType: a.conversation?.conversationType },
      action,
      at,
    });
    logger.info({ event: 'share.act', action: action.kind, outcome: outcome.kind, shareId, updated: outcome.kind === 'recorded' ? outcome.updated : undefined }, 'Share action');
    switch (outcome.kind) {
      case 'refused':
        if (outcome.reason === 'not-here') return renderNoticeCard(NOT_HERE_TITLE, NOT_HERE_MESSAGE, { personal: false });
        return outcome.reason === 'unknown-share' ? UNKNOWN_SHARE_MESSAGE : REFUSED_ACTION_MESSAGE;
      case 'invalid':
        return outcome.message;
      case 'recorded':
        return renderSummaryView(outcome.view);
    }
  };

  verb(VERBS.shareAck, ShareActionData, (owner, data, context) => act(owner, data.shareId, context, { kind: 'ack' }));
  verb(VERBS.shareNote, NoteActionData, (owner, data, context) =>
    act(owner, data.shareId, context, { kind: 'note', text: data.note, requestId: context.activity.id ?? `${data.shareId}|${context.activity.timestamp}` }),
  );
}
