import { z } from 'zod';
import { renderAuditCards, renderDeleteAllConfirmCard, renderDeleteConfirmCard, renderExportCards, renderPrivacyNotice } from '../cards/privacy-cards.js';
import type { AdaptiveCardJson } from '../cards/render.js';
import { VERBS } from '../cards/verbs.js';
import { ASSESSMENT_ID_PATTERN, CaseRefSchema } from '../tencs/assessment.js';
import type { CommandKind } from '../tencs/commands.js';
import { DeletionRefusedError } from '../tencs/errors.js';
import type { PrivacyService } from '../tencs/privacy-service.js';
import type { TeamMembership } from '../tencs/team-membership.js';
import { PRIVACY } from './families.js';
import { deletedAll, MESSAGES, needCaseRef } from './messages.js';
import { card, many, message, type Reply } from './reply.js';
import { owned, type Entry, type OwnedFacts, type TurnContext } from './table.js';

const Arg = z.string();
const AssessmentIdData = z.object({ assessmentId: z.string().regex(ASSESSMENT_ID_PATTERN) });
/** "Not now" on the cautions card also carries the revision the card showed (templating may send it as a string). */
const NotNowData = z.object({ rev: z.coerce.number().int().min(0) });

const cards = (list: readonly AdaptiveCardJson[]): Reply => many(...list.map(card));
const noneFound = (caseRef: string): AdaptiveCardJson[] => [renderPrivacyNotice(MESSAGES.noneFoundTitle, MESSAGES.noneFound, caseRef)];
/** "delete all my data" (also "delete my data", "delete everything"). */
const ALL_MY_DATA = /^(all\s+(of\s+)?)?my\s+data$|^everything$/i;

/** A deletion that waits for a hand-over: the domain's words (why, and what to do); nothing was deleted. */
async function unlessHandingOver(run: () => Promise<AdaptiveCardJson[]>): Promise<AdaptiveCardJson[]> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DeletionRefusedError) return [renderPrivacyNotice(MESSAGES.handOverUnderWayTitle, error.message)];
    throw error;
  }
}

/** Delete (with confirmation), export and audit for the owner of a case reference, in personal chat only. */
export function privacyEntries(privacy: PrivacyService, isMember: TeamMembership): Entry[] {
  /** The typed commands: a well-formed case reference, then the cards. */
  const typed = (name: 'delete' | 'export' | 'audit', run: (f: OwnedFacts, caseRef: string) => Promise<AdaptiveCardJson[]>): Entry =>
    owned({
      trigger: { kind: 'command', command: name satisfies CommandKind },
      family: PRIVACY,
      where: 'personal',
      schema: Arg,
      run: async (f, arg, turn) => {
        if (name === 'delete' && ALL_MY_DATA.test(arg.trim())) {
          const count = await unlessHandingOver(async () => [renderDeleteAllConfirmCard(await privacy.everythingToDelete(f.who))]);
          turn.log.info({ event: 'privacy.delete-all.asked' }, 'Privacy command');
          return cards(count);
        }
        const ref = CaseRefSchema.safeParse(arg);
        if (!ref.success) return message(needCaseRef(name));
        const result = await run(f, ref.data);
        turn.log.info({ event: `privacy.${name}`, cards: result.length }, 'Privacy command');
        return cards(result);
      },
    });

  /** Card verbs: the sender must own the assessment named in the (client-controlled) card data. */
  const verb = (v: string, run: (f: OwnedFacts, assessmentId: string, turn: TurnContext) => Promise<AdaptiveCardJson>): Entry =>
    owned({
      trigger: { kind: 'verb', verb: v },
      family: PRIVACY,
      where: 'personal',
      schema: AssessmentIdData,
      run: async (f, d, turn) => card(await run(f, d.assessmentId, turn)),
    });

  return [
    typed('delete', async (f, caseRef) => {
      const found = await privacy.findByCaseRef(f.who, caseRef);
      if (found.length === 0) return noneFound(caseRef);
      return unlessHandingOver(async () => {
        // Said before asking: nothing of a case being handed over can be deleted until the hand-over ends.
        await privacy.refuseWhileHandingOver(
          f.who,
          found.map((m) => m.id),
        );
        const confirm: AdaptiveCardJson[] = [];
        for (const meta of found) confirm.push(renderDeleteConfirmCard(await privacy.describe(f.who, meta.id)));
        return confirm;
      });
    }),
    typed('export', async (f, caseRef) => {
      const data = await privacy.exportCase(f.who, caseRef);
      return data ? renderExportCards(data) : noneFound(caseRef);
    }),
    typed('audit', async (f, caseRef) => {
      // Managers: a trail is theirs to see while its summary is shared to a team they belong to (Teams says who is in it).
      const userId = f.userId ?? f.who.aadObjectId;
      const trail = await privacy.auditTrail(f.who, caseRef, (teamId) => isMember(f.who.tenantId, teamId, userId));
      return trail ? renderAuditCards(trail, f.who) : noneFound(caseRef);
    }),
    verb(VERBS.privacyDeleteAsk, async (f, id) => {
      const a = await privacy.describe(f.who, id);
      return (
        await unlessHandingOver(async () => {
          await privacy.refuseWhileHandingOver(f.who, [id]);
          return [renderDeleteConfirmCard(a)];
        })
      )[0]!;
    }),
    verb(VERBS.privacyDeleteConfirm, async (f, id, turn) => {
      let outcome: Awaited<ReturnType<PrivacyService['deleteAssessment']>>;
      try {
        outcome = await privacy.deleteAssessment(f.who, id);
      } catch (error) {
        if (error instanceof DeletionRefusedError) return renderPrivacyNotice(MESSAGES.handOverUnderWayTitle, error.message);
        throw error;
      }
      const { assessment: deleted, channelCardsPending } = outcome;
      turn.log.info({ event: 'privacy.deleted', assessmentId: id, channelCardsPending }, 'Assessment deleted by owner');
      return renderPrivacyNotice(MESSAGES.deletedTitle, channelCardsPending > 0 ? MESSAGES.deletedCardPending : MESSAGES.deleted, deleted.setup?.caseRef);
    }),
    owned({
      trigger: { kind: 'verb', verb: VERBS.privacyDeleteAllConfirm },
      family: PRIVACY,
      where: 'personal',
      schema: z.object({}),
      run: async (f, _d, turn) => {
        let result: Awaited<ReturnType<PrivacyService['deleteEverything']>>;
        try {
          result = await privacy.deleteEverything(f.who);
        } catch (error) {
          if (error instanceof DeletionRefusedError) return card(renderPrivacyNotice(MESSAGES.handOverUnderWayTitle, error.message));
          throw error;
        }
        turn.log.info({ event: 'privacy.deleted-all', ...result }, 'All data deleted by its owner');
        return card(renderPrivacyNotice(MESSAGES.deletedAllTitle, deletedAll(result.assessments, result.channelCardsPending > 0)));
      },
    }),
    owned({
      trigger: { kind: 'verb', verb: VERBS.privacyDeleteAllCancel },
      family: PRIVACY,
      where: 'personal',
      schema: z.object({}),
      run: async () => card(renderPrivacyNotice(MESSAGES.keptTitle, MESSAGES.keptAll)),
    }),
    verb(VERBS.cautionsNotNow, async (f, id, turn) => {
      const rev = NotNowData.safeParse(turn.raw);
      // Without the card's revision we cannot tell that nothing was entered since, so nothing is deleted.
      if (!rev.success) return renderPrivacyNotice(MESSAGES.keptTitle, MESSAGES.alreadyStarted);
      const result = await privacy.discardUnstarted(f.who, id, rev.data.rev);
      turn.log.info({ event: 'privacy.not-now', result, assessmentId: id }, 'Not now on the cautions card');
      return result === 'discarded'
        ? renderPrivacyNotice(MESSAGES.notStartedTitle, MESSAGES.notStarted)
        : renderPrivacyNotice(MESSAGES.keptTitle, MESSAGES.alreadyStarted);
    }),
    verb(VERBS.privacyDeleteCancel, async (f, id) => {
      const kept = await privacy.describe(f.who, id);
      return renderPrivacyNotice(MESSAGES.keptTitle, MESSAGES.kept, kept.setup?.caseRef);
    }),
  ];
}
