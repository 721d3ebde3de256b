import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CardRefData, EditData, KeepMineData, OpenData } from '../cards/assessment-actions.js';
import { renderListCard, renderOutcome } from '../cards/assessment-cards.js';
import { renderMyOnlineWorld, renderWorldChoose } from '../cards/my-online-world-cards.js';
import { TogetherRefData, WorldData, renderTogetherOutcome } from '../cards/together-cards.js';
import { VERBS } from '../cards/verbs.js';
import type { Assessment } from '../tencs/assessment.js';
import type { AssessmentService, Outcome, StepAction } from '../tencs/assessment-service.js';
import { myOnlineWorld, picksFromList, readWorldPicks, worldPlainText } from '../tencs/my-online-world.js';
import { goToOf, type TogetherOutcome, type TogetherService } from '../tencs/together.js';
import { ASSESSMENT } from './families.js';
import { MESSAGES } from './messages.js';
import { card, many, message, type Reply } from './reply.js';
import { owned, type Entry, type OwnedFacts, type TurnContext } from './table.js';

const Arg = z.string();

/** What happens right after completing (the case over time stores the review date); may say why a typed value was not used. */
export type AfterComplete = (
  f: OwnedFacts,
  completed: Assessment,
  raw: Readonly<Record<string, unknown>>,
) => Promise<{ assessment: Assessment; problem?: string }>;
const verb = (v: string) => ({ kind: 'verb' as const, verb: v });

/** The guided assessment: typed start / resume / my assessments, and every card verb of the flow. Personal chat only. */
export function assessmentEntries(assessments: AssessmentService, together: TogetherService, afterComplete?: AfterComplete): Entry[] {
  const shown = (f: OwnedFacts, name: string, outcome: Outcome, turn: TurnContext): Reply => {
    turn.log.info(
      {
        event: 'assessment.outcome',
        verb: name,
        outcome: outcome.kind,
        reason: outcome.kind === 'retry' ? outcome.reason : undefined,
        assessmentId: outcome.kind === 'retry' ? outcome.ref.assessmentId : outcome.assessment.id,
      },
      'Assessment step',
    );
    return card(renderOutcome(outcome));
  };

  const start = async (f: OwnedFacts, turn: TurnContext): Promise<Reply> => {
    const assessment = await assessments.start(f.who, { activityId: f.activityId ?? randomUUID(), at: f.at });
    turn.log.info({ event: 'assessment.started', assessmentId: assessment.id }, 'Assessment started');
    return card(renderOutcome(assessments.showCurrent(assessment)));
  };
  const list = async (f: OwnedFacts): Promise<Reply> => card(renderListCard(await assessments.listForOwner(f.who, 10)));

  // The together view (issue 17): the service holds every rule; a practitioner's card comes back as an Outcome.
  const togetherShown = (f: OwnedFacts, name: string, o: TogetherOutcome, turn: TurnContext): Reply =>
    o.kind === 'step' ? shown(f, name, o.outcome, turn) : card(renderTogetherOutcome(o));
  const togetherVerb = (
    v: string,
    run: (f: OwnedFacts, ref: z.infer<typeof TogetherRefData>, raw: Record<string, unknown>) => Promise<TogetherOutcome>,
  ): Entry =>
    owned({
      trigger: verb(v),
      family: ASSESSMENT,
      where: 'personal',
      schema: TogetherRefData,
      run: async (f, ref, turn) => togetherShown(f, v, await run(f, ref, { ...turn.raw }), turn),
    });

  const step = (v: string, action: StepAction): Entry =>
    owned({
      trigger: verb(v),
      family: ASSESSMENT,
      where: 'personal',
      schema: CardRefData,
      run: async (f, ref, turn) => shown(f, v, await assessments.submitStep(f.who, ref, action, turn.raw), turn),
    });

  return [
    owned({ trigger: { kind: 'command', command: 'start' }, family: ASSESSMENT, where: 'personal', schema: Arg, run: (f, _arg, turn) => start(f, turn) }),
    owned({
      trigger: { kind: 'command', command: 'resume' },
      family: ASSESSMENT,
      where: 'personal',
      schema: Arg,
      run: async (f) => {
        const latest = await assessments.latestUnfinished(f.who);
        if (!latest) return message(MESSAGES.nothingToResume);
        return card(renderOutcome(await assessments.open(f.who, latest.id)));
      },
    }),
    owned({ trigger: { kind: 'command', command: 'list' }, family: ASSESSMENT, where: 'personal', schema: Arg, run: list }),
    owned({ trigger: verb(VERBS.start), family: ASSESSMENT, where: 'personal', schema: OpenData.partial(), run: (f, _d, turn) => start(f, turn) }),
    owned({ trigger: verb(VERBS.list), family: ASSESSMENT, where: 'personal', schema: OpenData.partial(), run: list }),
    owned({
      trigger: verb(VERBS.open),
      family: ASSESSMENT,
      where: 'personal',
      schema: OpenData,
      run: async (f, d, turn) => shown(f, VERBS.open, await assessments.open(f.who, d.assessmentId), turn),
    }),
    owned({
      trigger: verb(VERBS.cautionsAck),
      family: ASSESSMENT,
      where: 'personal',
      schema: CardRefData,
      run: async (f, ref, turn) => shown(f, VERBS.cautionsAck, await assessments.acknowledgeCautions(f.who, ref), turn),
    }),
    step(VERBS.stepNext, 'next'),
    step(VERBS.stepBack, 'back'),
    step(VERBS.stepSkip, 'skip'),
    step(VERBS.stepLater, 'later'),
    owned({
      trigger: verb(VERBS.conflictKeepMine),
      family: ASSESSMENT,
      where: 'personal',
      schema: KeepMineData,
      run: async (f, d, turn) => shown(f, VERBS.conflictKeepMine, await assessments.submitStep(f.who, d, d.action, turn.raw), turn),
    }),
    owned({
      trigger: verb(VERBS.conflictKeepSaved),
      family: ASSESSMENT,
      where: 'personal',
      schema: CardRefData,
      run: async (f, ref, turn) => shown(f, VERBS.conflictKeepSaved, await assessments.showStep(f.who, ref), turn),
    }),
    owned({
      trigger: verb(VERBS.reviewEdit),
      family: ASSESSMENT,
      where: 'personal',
      schema: EditData,
      run: async (f, d, turn) => shown(f, VERBS.reviewEdit, await assessments.edit(f.who, d, d.target), turn),
    }),
    owned({
      trigger: verb(VERBS.reviewComplete),
      family: ASSESSMENT,
      where: 'personal',
      schema: CardRefData,
      run: async (f, ref, turn) => {
        const outcome = await assessments.complete(f.who, ref);
        if (outcome.kind !== 'completed' || !afterComplete) return shown(f, VERBS.reviewComplete, outcome, turn);
        const after = await afterComplete(f, outcome.assessment, turn.raw);
        const done = shown(f, VERBS.reviewComplete, { kind: 'completed', assessment: after.assessment }, turn);
        return after.problem ? many(message(`${after.problem} I set the usual review date instead; you can change it on the card.`), done) : done;
      },
    }),

    togetherVerb(VERBS.togetherOpen, (f, ref, raw) => together.openFromStep(f.who, ref, raw)),
    togetherVerb(VERBS.togetherSave, (f, ref, raw) => together.submit(f.who, ref, raw, 'stay')),
    togetherVerb(VERBS.togetherGo, (f, ref, raw) => together.submit(f.who, ref, raw, goToOf(raw))),
    togetherVerb(VERBS.togetherBack, (f, ref, raw) => together.submit(f.who, ref, raw, 'practitioner')),

    // My online world: the practitioner chooses, then shows it on a shared screen or copies it as plain text.
    owned({
      trigger: verb(VERBS.worldChoose),
      family: ASSESSMENT,
      where: 'personal',
      schema: WorldData,
      run: async (f, d) => card(renderWorldChoose((await assessments.getOwned(f.who, d.assessmentId)).assessment, picksFromList(d.picks))),
    }),
    owned({
      trigger: verb(VERBS.worldShow),
      family: ASSESSMENT,
      where: 'personal',
      schema: WorldData,
      run: async (f, d, turn) => card(renderMyOnlineWorld((await assessments.getOwned(f.who, d.assessmentId)).assessment, readWorldPicks({ ...turn.raw }))),
    }),
    owned({
      trigger: verb(VERBS.worldCopy),
      family: ASSESSMENT,
      where: 'personal',
      schema: WorldData,
      run: async (f, d) => {
        const { assessment } = await assessments.getOwned(f.who, d.assessmentId);
        const picks = picksFromList(d.picks);
        // Plain text in the practitioner's personal chat: nothing typed becomes a link.
        return many(message(worldPlainText(myOnlineWorld(assessment, picks)), 'plain'), card(renderMyOnlineWorld(assessment, picks)));
      },
    }),
  ];
}
