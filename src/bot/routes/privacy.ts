import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderAuditCards, renderDeleteConfirmCard, renderExportCards, renderPrivacyNotice } from '../../cards/privacy-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { renderSummaryView } from '../../cards/share-cards.js';
import { VERBS } from '../../cards/verbs.js';
import { ASSESSMENT_ID_PATTERN } from '../../storage/assessment-repository.js';
import { NotFoundError, StorageUnavailableError } from '../../storage/errors.js';
import { CaseRefSchema } from '../../tencs/assessment.js';
import { CONNECTOR_RETRY, ConnectorFailure, withConnectorRetry } from '../../tencs/connector-retry.js';
import type { Owner } from '../../tencs/owner.js';
import type { BotDeps } from '../app.js';
import { createChannelPort } from '../channel-port.js';
import type { CommandTable } from '../commands.js';
import { ownerOf } from '../owner.js';
import { sendCard } from '../send.js';

export const PERSONAL_ONLY_MESSAGE =
  'For privacy I only delete, export or show audit trails in our personal chat, never in a channel or group. Open a chat with me and type the command there.';
export const NO_OWNER_MESSAGE = 'I could not tell who sent this, so I did nothing. Please use tencs from Microsoft Teams.';
export const NEED_CASE_REF = (command: string) =>
  `Type ${command} followed by the case reference, for example: ${command} CR-1234. Case references use letters, digits and dashes.`;
export const NONE_FOUND_TITLE = 'No assessment of yours has that case reference';
export const NONE_FOUND_MESSAGE =
  'Check the reference and try again, or choose My assessments to see yours. You can delete and export only your own assessments; you can see the audit trail of your own, and of those shared to a team you are a member of.';
export const NOT_YOURS_TITLE = "I can't do that";
export const NOT_YOURS_MESSAGE =
  "That assessment isn't among yours: it may already be deleted, or belong to someone else. Nothing was changed. Choose My assessments to see yours.";
export const DELETED_TITLE = 'Assessment deleted';
export const DELETED_MESSAGE =
  'Every answer in it has been removed from tencs. If you shared its summary to a team, the channel card now says it was removed, and its acknowledgements and notes are deleted too. The audit trail keeps a note that you deleted it.';
export const DELETED_CARD_PENDING_MESSAGE =
  "Every answer in it has been removed from tencs, with the shared summary's acknowledgements and notes. Teams did not let me update the channel card just now, so it may still show the summary for a while: I'll keep trying until it says the assessment was removed. The audit trail keeps a note that you deleted it.";
export const KEPT_TITLE = 'Nothing deleted';
export const KEPT_MESSAGE = 'The assessment is kept as it was.';
export const NOT_STARTED_TITLE = 'No assessment started';
export const NOT_STARTED_MESSAGE = "That's fine: nothing was saved. Type start whenever you're ready.";
export const ALREADY_STARTED_MESSAGE =
  'This assessment already has something saved in it, so I kept it. Type resume to carry on, or delete followed by its case reference if you want it removed.';
export const STORAGE_DOWN_MESSAGE =
  "I couldn't reach storage just now, so nothing was changed. Please try again in a minute.";

const AssessmentIdData = z.object({ assessmentId: z.string().regex(ASSESSMENT_ID_PATTERN) });
/** "Not now" on the cautions card also carries the revision the card showed (templating may send it as a string). */
const NotNowData = z.object({ rev: z.coerce.number().int().min(0) });

/** Delete (with confirmation), export and audit for the owner of a case reference, in personal chat only. */
export function registerPrivacy(app: Application<TurnState>, deps: BotDeps, commands: CommandTable): void {
  const { privacy, logger } = deps;

  // Deleting an assessment (by its owner or by retention) takes its summary out of any channel it was shared to.
  const port = createChannelPort(app.adapter as TeamsAdapter, deps.sharing.botAppId);
  privacy.setChannelNotifier(async (share) => {
    const card = renderSummaryView({ kind: 'removed', share });
    await withConnectorRetry((signal) => port.update(share, card, signal), deps.sharing.retry ?? CONNECTOR_RETRY);
    logger.info({ event: 'share.removed-from-channel', shareId: share.id, teamId: share.teamId }, 'Channel card replaced');
  });

  const isPersonal = (context: TurnContext) => (context.activity.conversation?.conversationType ?? 'personal') === 'personal';

  const storageDown = (context: TurnContext, what: string, error: unknown): AdaptiveCardJson => {
    if (error instanceof StorageUnavailableError) {
      logger.warn({ event: 'privacy.storage-unavailable', what, statusCode: error.statusCode, activityId: context.activity.id }, 'Storage unavailable');
      return renderPrivacyNotice('Storage is not answering', STORAGE_DOWN_MESSAGE);
    }
    throw error;
  };

  /** Shared front of the three typed commands: personal chat, a known sender, a well-formed case reference. */
  const typed =
    (name: 'delete' | 'export' | 'audit', run: (owner: Owner, caseRef: string, context: TurnContext) => Promise<AdaptiveCardJson[]>) =>
    async (context: TurnContext, arg: string) => {
      if (!isPersonal(context)) {
        await context.sendActivity(PERSONAL_ONLY_MESSAGE);
        return;
      }
      const owner = ownerOf(context);
      if (!owner) {
        await context.sendActivity(NO_OWNER_MESSAGE);
        return;
      }
      const ref = CaseRefSchema.safeParse(arg);
      if (!ref.success) {
        await context.sendActivity(NEED_CASE_REF(name));
        return;
      }
      let cards: AdaptiveCardJson[];
      try {
        cards = await run(owner, ref.data, context);
      } catch (error) {
        cards = [storageDown(context, name, error)];
      }
      logger.info({ event: `privacy.${name}`, cards: cards.length, activityId: context.activity.id }, 'Privacy command');
      for (const card of cards) await sendCard(context, card);
    };

  const noneFound = (caseRef: string) => [renderPrivacyNotice(NONE_FOUND_TITLE, NONE_FOUND_MESSAGE, caseRef)];

  commands.delete = typed('delete', async (owner, caseRef) => {
    const found = await privacy.findByCaseRef(owner, caseRef);
    if (found.length === 0) return noneFound(caseRef);
    const cards: AdaptiveCardJson[] = [];
    for (const meta of found) cards.push(renderDeleteConfirmCard(await privacy.describe(owner, meta.id)));
    return cards;
  });

  commands.export = typed('export', async (owner, caseRef) => {
    const data = await privacy.exportCase(owner, caseRef);
    return data ? renderExportCards(data) : noneFound(caseRef);
  });

  commands.audit = typed('audit', async (owner, caseRef, context) => {
    // Managers: a trail is theirs to see while its summary is shared to a team they belong to (Teams says who is in it).
    const userId = context.activity.from?.id ?? owner.aadObjectId;
    const isTeamMember = async (teamId: string): Promise<boolean> => {
      const team = await deps.sharing.teams.get(owner.tenantId, teamId);
      if (!team) return false;
      try {
        return await withConnectorRetry((signal) => port.isMember(team, userId, signal), deps.sharing.retry ?? CONNECTOR_RETRY);
      } catch (error) {
        // Teams could not say (tencs removed from the team, or not answering): not shown, and logged.
        if (!(error instanceof ConnectorFailure)) throw error;
        logger.warn({ event: 'privacy.member-check-failed', teamId, kind: error.kind, status: error.status }, 'Team membership could not be checked');
        return false;
      }
    };
    const trail = await privacy.auditTrail(owner, caseRef, isTeamMember);
    return trail ? renderAuditCards(trail, owner) : noneFound(caseRef);
  });

  /** Card verbs: the sender must own the assessment named in the (client-controlled) card data. */
  const execute = (verb: string, run: (owner: Owner, assessmentId: string, raw: unknown) => Promise<AdaptiveCardJson>) => {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      if (!isPersonal(context)) return renderPrivacyNotice(NOT_YOURS_TITLE, PERSONAL_ONLY_MESSAGE, undefined, { personal: false }) as never;
      const owner = ownerOf(context);
      if (!owner) return renderPrivacyNotice(NOT_YOURS_TITLE, NO_OWNER_MESSAGE) as never;
      const parsed = AssessmentIdData.safeParse(data);
      if (!parsed.success) {
        logger.warn({ event: 'card.invalid-data', verb, activityId: context.activity.id }, 'Card data rejected');
        return renderPrivacyNotice(NOT_YOURS_TITLE, NOT_YOURS_MESSAGE) as never;
      }
      try {
        return (await run(owner, parsed.data.assessmentId, data)) as never;
      } catch (error) {
        if (error instanceof NotFoundError) {
          logger.warn({ event: 'privacy.refused', verb, activityId: context.activity.id, aadObjectId: owner.aadObjectId }, 'Not the owner');
          return renderPrivacyNotice(NOT_YOURS_TITLE, NOT_YOURS_MESSAGE) as never;
        }
        return storageDown(context, verb, error) as never;
      }
    });
  };

  execute(VERBS.privacyDeleteAsk, async (owner, id) => renderDeleteConfirmCard(await privacy.describe(owner, id)));
  execute(VERBS.privacyDeleteConfirm, async (owner, id) => {
    const { assessment: deleted, channelCardsPending } = await privacy.deleteAssessment(owner, id);
    logger.info({ event: 'privacy.deleted', assessmentId: id, channelCardsPending }, 'Assessment deleted by owner');
    return renderPrivacyNotice(DELETED_TITLE, channelCardsPending > 0 ? DELETED_CARD_PENDING_MESSAGE : DELETED_MESSAGE, deleted.setup?.caseRef);
  });
  execute(VERBS.cautionsNotNow, async (owner, id, raw) => {
    const card = NotNowData.safeParse(raw);
    // Without the card's revision we cannot tell that nothing was entered since, so nothing is deleted.
    if (!card.success) return renderPrivacyNotice(KEPT_TITLE, ALREADY_STARTED_MESSAGE);
    const result = await privacy.discardUnstarted(owner, id, card.data.rev);
    logger.info({ event: 'privacy.not-now', result, assessmentId: id }, 'Not now on the cautions card');
    return result === 'discarded' ? renderPrivacyNotice(NOT_STARTED_TITLE, NOT_STARTED_MESSAGE) : renderPrivacyNotice(KEPT_TITLE, ALREADY_STARTED_MESSAGE);
  });
  execute(VERBS.privacyDeleteCancel, async (owner, id) => {
    const kept = await privacy.describe(owner, id);
    return renderPrivacyNotice(KEPT_TITLE, KEPT_MESSAGE, kept.setup?.caseRef);
  });
}
