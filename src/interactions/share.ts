import { renderShareChoose, renderShareResult, renderSummaryView } from '../cards/share-cards.js';
import { AssessmentActionData, NoteActionData, PostActionData, ShareActionData } from '../cards/summary-cards.js';
import { VERBS } from '../cards/verbs.js';
import type { ShareService } from '../tencs/share-service.js';
import { parseSupervisorPicks } from '../tencs/sharing.js';
import { SHARE } from './families.js';
import { MESSAGES } from './messages.js';
import { card, many, message, type Reply } from './reply.js';
import { owned, type Entry, type OwnedFacts, type TurnContext } from './table.js';

const verb = (v: string) => ({ kind: 'verb' as const, verb: v });

const PICK_PROBLEM = { none: 'supervisorsNone', 'not-id': 'supervisorsNotId', 'too-many': 'supervisorsTooMany' } as const;

/**
 * The summary and its "Copy for case record" for the practitioner, "Share with my team", and the
 * thread's Acknowledge and Add a supervision note.
 */
export function shareEntries(service: ShareService): Entry[] {
  const act = async (
    f: OwnedFacts,
    shareId: string,
    turn: TurnContext,
    action: { kind: 'ack' } | { kind: 'note'; text: string; requestId: string },
  ): Promise<Reply> => {
    const outcome = await service.act({
      actor: f.who,
      actorName: f.name,
      shareId,
      origin: { conversationId: f.conversation.id ?? '', conversationType: f.conversation.type },
      action,
      at: f.at,
    });
    turn.log.info(
      { event: 'share.act', action: action.kind, outcome: outcome.kind, shareId, updated: outcome.kind === 'recorded' ? outcome.updated : undefined },
      'Share action',
    );
    switch (outcome.kind) {
      case 'refused':
        // The owner acting from a group chat or another channel: the reply card would show the case there.
        if (outcome.reason === 'not-here') return SHARE.refuse('summaryPersonalOnly', f, true);
        if (outcome.reason === 'not-supervisor') return { kind: 'refusal', key: 'shareNotSupervisor' };
        return { kind: 'refusal', key: outcome.reason === 'unknown-share' ? 'unknownShare' : 'shareRefusedAction' };
      case 'invalid':
        return message(outcome.message);
      case 'recorded':
        return card(renderSummaryView(outcome.view));
    }
  };

  return [
    // Assessment content (case reference, typed text) is only ever shown in personal chat.
    owned({
      trigger: verb(VERBS.summaryView),
      family: SHARE,
      where: 'personal',
      notHere: 'summaryPersonalOnly',
      schema: AssessmentActionData,
      run: async (f, d) => card(renderSummaryView(await service.preview(f.who, d.assessmentId))),
    }),
    owned({
      trigger: verb(VERBS.summaryCopy),
      family: SHARE,
      where: 'personal',
      schema: AssessmentActionData,
      run: async (f, d, turn) => {
        const text = await service.caseRecord(f.who, d.assessmentId);
        turn.log.info({ event: 'summary.copied', assessmentId: d.assessmentId }, 'Case record text sent');
        // Plain text: the case system gets exactly these characters, and nothing typed becomes a link.
        return many(message(text, 'plain'), message(MESSAGES.copySent));
      },
    }),
    owned({
      trigger: verb(VERBS.shareChoose),
      family: SHARE,
      where: 'personal',
      notHere: 'summaryPersonalOnly',
      schema: AssessmentActionData,
      run: async (f, d) => {
        const view = await service.preview(f.who, d.assessmentId, 'share-choose');
        const teams = await service.teamsFor(f.who, f.userId ?? f.who.aadObjectId);
        return card(renderShareChoose(view.assessmentId, view.summary.caseRef, teams, await service.supervisorChoices(f.who, teams.teams)));
      },
    }),
    owned({
      trigger: verb(VERBS.sharePost),
      family: SHARE,
      where: 'personal',
      notHere: 'summaryPersonalOnly',
      schema: PostActionData,
      run: async (f, d, turn) => {
        const picks = parseSupervisorPicks(d.supervisors);
        if (!d.teamId || !picks.ok) {
          // Ask again on the same card, saying what was wrong; nothing is posted.
          const view = await service.preview(f.who, d.assessmentId, 'share-choose');
          const teams = await service.teamsFor(f.who, f.userId ?? f.who.aadObjectId);
          const problem = !d.teamId ? '' : MESSAGES[picks.ok ? 'supervisorsNone' : PICK_PROBLEM[picks.reason]];
          if (!picks.ok && d.teamId)
            turn.log.info({ event: 'share.supervisors-refused', reason: picks.reason, assessmentId: d.assessmentId }, 'Supervisors refused');
          return card(renderShareChoose(view.assessmentId, view.summary.caseRef, teams, await service.supervisorChoices(f.who, teams.teams), problem));
        }
        const outcome = await service.share({
          owner: f.who,
          ownerName: f.name,
          userId: f.userId ?? f.who.aadObjectId,
          assessmentId: d.assessmentId,
          teamId: d.teamId,
          supervisorIds: picks.ids,
        });
        turn.log.info(
          {
            event: 'share.outcome',
            outcome: outcome.kind,
            failure: outcome.kind === 'connector' ? outcome.failure.kind : undefined,
            status: outcome.kind === 'connector' ? outcome.failure.status : undefined,
            assessmentId: d.assessmentId,
            teamId: d.teamId,
          },
          'Share',
        );
        return card(renderShareResult(d.assessmentId, outcome));
      },
    }),
    // Teams' refresh and "Show the summary": who is asking decides the view, every time (the card's data cannot).
    owned({
      trigger: verb(VERBS.shareShow),
      family: SHARE,
      where: 'channel',
      notHere: 'summaryPersonalOnly',
      schema: ShareActionData,
      run: async (f, d, turn) => {
        const shown = await service.show(f.who, d.shareId);
        turn.log.info(
          { event: 'share.show', shareId: d.shareId, audience: shown.kind === 'view' && shown.view.kind === 'channel' ? shown.view.audience : shown.kind },
          'Shared summary shown',
        );
        if (shown.kind === 'unknown-share') return { kind: 'refusal', key: 'unknownShareView' };
        return card(renderSummaryView(shown.view));
      },
    }),
    owned({
      trigger: verb(VERBS.shareAck),
      family: SHARE,
      where: 'both',
      schema: ShareActionData,
      run: (f, d, turn) => act(f, d.shareId, turn, { kind: 'ack' }),
    }),
    owned({
      trigger: verb(VERBS.shareNote),
      family: SHARE,
      where: 'both',
      schema: NoteActionData,
      run: (f, d, turn) => act(f, d.shareId, turn, { kind: 'note', text: d.note, requestId: f.activityId ?? `${d.shareId}|${f.at.toISOString()}` }),
    }),
  ];
}
