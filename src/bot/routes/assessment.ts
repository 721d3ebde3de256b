import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { z } from 'zod';
import { CardRefData, EditData, KeepMineData, OpenData } from '../../cards/assessment-data.js';
import { renderListCard, renderNoticeCard, renderOutcome } from '../../cards/assessment-cards.js';
import { CardTooLargeError, type AdaptiveCardJson } from '../../cards/render.js';
import { VERBS } from '../../cards/verbs.js';
import { NotFoundError, StorageUnavailableError } from '../../storage/errors.js';
import type { Outcome, StepAction } from '../../tencs/assessment-service.js';
import type { Owner } from '../../tencs/owner.js';
import type { BotDeps } from '../app.js';
import type { CommandTable } from '../commands.js';
import { ownerOf } from '../owner.js';
import { sendCard } from '../send.js';
import { TogetherRefData, WorldData, renderTogetherOutcome } from '../../cards/together-cards.js';
import { renderMyOnlineWorld, renderWorldChoose } from '../../cards/my-online-world-cards.js';
import { TogetherService, goToOf } from '../../tencs/together.js';
import { myOnlineWorld, picksFromList, readWorldPicks, worldPlainText } from '../../tencs/my-online-world.js';

export const NOT_FOUND_TITLE = "I can't open that assessment";
export const NOT_FOUND_MESSAGE =
  "I couldn't find that assessment among yours. It may have been deleted, or it may belong to someone else: each practitioner can only open their own. Choose My assessments to see yours.";
export const STORAGE_DOWN_MESSAGE =
  "I couldn't reach storage just now, so I couldn't do that. Nothing you saved earlier is lost. Please try again in a minute.";
export const NO_OWNER_MESSAGE =
  'I can only keep assessments for people signed in to Microsoft Teams, and I could not tell who sent this. Please use tencs from Teams.';
export const STALE_CARD_MESSAGE = 'This card is out of date or incomplete, so I did not act on it. Type **resume** to carry on where you left off.';
export const TOO_LARGE_MESSAGE =
  'Not saved: together these answers are too long for Teams to show on one card. Please shorten one or two of them (your text is still on the card) and try again.';
export const NOTHING_TO_RESUME = 'You have no unfinished assessment. Type **start** to begin one, or **my assessments** to see your completed ones.';
export const PERSONAL_ONLY_TITLE = 'Assessments stay in our personal chat';
export const PERSONAL_ONLY_MESSAGE =
  "To keep case details private, I only run assessments in your personal chat with me, never in a channel or group chat, where everyone could see the answers. Open a chat with tencs and type start, resume or my assessments there. Here, you can @mention me with consult to look at the guide.";

/** Assessments are only ever shown where the practitioner alone can see them. */
const isPersonal = (context: TurnContext): boolean => (context.activity.conversation?.conversationType ?? 'personal') === 'personal';

type CardOrMessage = AdaptiveCardJson | string;

/** The guided assessment: typed start / resume / my assessments, and every card verb of the flow. */
export function registerAssessment(app: Application<TurnState>, deps: BotDeps, commands: CommandTable): void {
  const { assessments, logger } = deps;

  /**
   * The one place a missing or someone else's assessment is refused: the lookup is always inside the
   * sender's own partition, so both look the same from here.
   */
  const refuse = (context: TurnContext, verb: string): AdaptiveCardJson => {
    logger.warn({ event: 'assessment.not-found', verb, activityId: context.activity.id, aadObjectId: context.activity.from?.aadObjectId }, 'Assessment not found for sender');
    return renderNoticeCard(NOT_FOUND_TITLE, NOT_FOUND_MESSAGE);
  };

  /** Known failures become a kind card; anything else is a bug and goes to onTurnError. */
  const failure = (context: TurnContext, verb: string, error: unknown): AdaptiveCardJson => {
    if (error instanceof NotFoundError) return refuse(context, verb);
    if (error instanceof StorageUnavailableError) {
      logger.warn({ event: 'assessment.storage-unavailable', verb, statusCode: error.statusCode, activityId: context.activity.id }, 'Storage unavailable');
      return renderNoticeCard('Storage is not answering', STORAGE_DOWN_MESSAGE);
    }
    throw error;
  };

  const toCard = (context: TurnContext, verb: string, outcome: Outcome): CardOrMessage => {
    logger.info(
      {
        event: 'assessment.outcome',
        verb,
        outcome: outcome.kind,
        reason: outcome.kind === 'retry' ? outcome.reason : undefined,
        assessmentId: outcome.kind === 'retry' ? outcome.ref.assessmentId : outcome.assessment.id,
        activityId: context.activity.id,
      },
      'Assessment step',
    );
    try {
      return renderOutcome(outcome);
    } catch (error) {
      // A card that cannot be sent is answered with a message, which leaves the practitioner's card (and text) as it was.
      if (error instanceof CardTooLargeError) {
        logger.warn({ event: 'assessment.card-too-large', card: error.card, bytes: error.bytes }, 'Card too large');
        return TOO_LARGE_MESSAGE;
      }
      throw error;
    }
  };

  /** Registers one verb: who is asking, zod-parse the card data, call the service, render. */
  const execute = <S extends z.ZodTypeAny>(verb: string, schema: S, run: (owner: Owner, data: z.infer<S>, raw: Record<string, unknown>, context: TurnContext) => Promise<Outcome | CardOrMessage>) => {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      if (!isPersonal(context)) {
        logger.info({ event: 'assessment.not-personal', verb, conversationType: context.activity.conversation?.conversationType, activityId: context.activity.id }, 'Assessment verb outside personal chat');
        return renderNoticeCard(PERSONAL_ONLY_TITLE, PERSONAL_ONLY_MESSAGE, { personal: false }) as never;
      }
      const owner = ownerOf(context);
      if (!owner) return renderNoticeCard('Who is this?', NO_OWNER_MESSAGE) as never;
      const raw = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        logger.warn({ event: 'card.invalid-data', verb, activityId: context.activity.id, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'Card data rejected');
        return renderNoticeCard('Out of date card', STALE_CARD_MESSAGE) as never;
      }
      try {
        const result = await run(owner, parsed.data, raw, context);
        return (typeof result === 'string' || 'type' in result ? result : toCard(context, verb, result)) as never;
      } catch (error) {
        return failure(context, verb, error) as never;
      }
    });
  };

  const startFor = async (owner: Owner, context: TurnContext): Promise<AdaptiveCardJson> => {
    const a = context.activity;
    const at = new Date(a.timestamp ?? Date.now());
    const assessment = await assessments.start(owner, { activityId: a.id ?? randomUUID(), at: Number.isNaN(at.getTime()) ? new Date() : at });
    logger.info({ event: 'assessment.started', assessmentId: assessment.id, activityId: a.id }, 'Assessment started');
    return renderOutcome(assessments.showCurrent(assessment));
  };

  /** Typed commands send a new card; failures get the same kind words as card actions. */
  const command = (name: string, run: (owner: Owner, context: TurnContext) => Promise<CardOrMessage>) => async (context: TurnContext) => {
    if (!isPersonal(context)) {
      logger.info({ event: 'assessment.not-personal', command: name, conversationType: context.activity.conversation?.conversationType, activityId: context.activity.id }, 'Assessment command outside personal chat');
      await context.sendActivity(PERSONAL_ONLY_MESSAGE);
      return;
    }
    const owner = ownerOf(context);
    if (!owner) {
      await context.sendActivity(NO_OWNER_MESSAGE);
      return;
    }
    let reply: CardOrMessage;
    try {
      reply = await run(owner, context);
    } catch (error) {
      reply = failure(context, name, error);
    }
    if (typeof reply === 'string') await context.sendActivity(reply);
    else await sendCard(context, reply);
  };

  commands.start = command('start', startFor);
  commands.resume = command('resume', async (owner) => {
    const latest = await assessments.latestUnfinished(owner);
    if (!latest) return NOTHING_TO_RESUME;
    return renderOutcome(await assessments.open(owner, latest.id));
  });
  commands.list = command('list', async (owner) => renderListCard(await assessments.listForOwner(owner, 10)));

  execute(VERBS.start, OpenData.partial(), (owner, _data, _raw, context) => startFor(owner, context));
  execute(VERBS.list, OpenData.partial(), async (owner) => renderListCard(await assessments.listForOwner(owner, 10)));
  execute(VERBS.open, OpenData, (owner, data) => assessments.open(owner, data.assessmentId));
  execute(VERBS.cautionsAck, CardRefData, (owner, ref) => assessments.acknowledgeCautions(owner, ref));

  const stepVerbs: readonly [string, StepAction][] = [
    [VERBS.stepNext, 'next'],
    [VERBS.stepBack, 'back'],
    [VERBS.stepSkip, 'skip'],
    [VERBS.stepLater, 'later'],
  ];
  for (const [verb, action] of stepVerbs) {
    execute(verb, CardRefData, (owner, ref, raw) => assessments.submitStep(owner, ref, action, raw));
  }
  execute(VERBS.conflictKeepMine, KeepMineData, (owner, data, raw) => assessments.submitStep(owner, data, data.action, raw));
  execute(VERBS.conflictKeepSaved, CardRefData, (owner, ref) => assessments.showStep(owner, ref));
  execute(VERBS.reviewEdit, EditData, (owner, data) => assessments.edit(owner, data, data.target));
  execute(VERBS.reviewComplete, CardRefData, (owner, ref) => assessments.complete(owner, ref));

  // The together view (issue 17): the service holds every rule; a practitioner's card comes back as an Outcome.
  const together = new TogetherService(assessments);
  const shown = (o: Awaited<ReturnType<TogetherService['open']>>): Outcome | CardOrMessage => {
    if (o.kind === 'step') return o.outcome;
    try {
      return renderTogetherOutcome(o);
    } catch (error) {
      if (error instanceof CardTooLargeError) return TOO_LARGE_MESSAGE;
      throw error;
    }
  };
  execute(VERBS.togetherOpen, TogetherRefData, async (owner, ref, raw) => shown(await together.openFromStep(owner, ref, raw)));
  execute(VERBS.togetherSave, TogetherRefData, async (owner, ref, raw) => shown(await together.submit(owner, ref, raw, 'stay')));
  execute(VERBS.togetherGo, TogetherRefData, async (owner, ref, raw) => shown(await together.submit(owner, ref, raw, goToOf(raw))));
  execute(VERBS.togetherBack, TogetherRefData, async (owner, ref, raw) => shown(await together.submit(owner, ref, raw, 'practitioner')));
  execute(VERBS.worldChoose, WorldData, async (owner, data) => renderWorldChoose((await assessments.getOwned(owner, data.assessmentId)).assessment, picksFromList(data.picks)));
  execute(VERBS.worldShow, WorldData, async (owner, data, raw) => renderMyOnlineWorld((await assessments.getOwned(owner, data.assessmentId)).assessment, readWorldPicks(raw)));
  execute(VERBS.worldCopy, WorldData, async (owner, data, _raw, context) => {
    const { assessment } = await assessments.getOwned(owner, data.assessmentId);
    // Plain text in the practitioner's personal chat (execute refuses anywhere else): nothing typed becomes a link.
    await context.sendActivity({ type: 'message', text: worldPlainText(myOnlineWorld(assessment, picksFromList(data.picks))), textFormat: 'plain' });
    return renderMyOnlineWorld(assessment, picksFromList(data.picks));
  });
}
