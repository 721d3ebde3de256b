import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { assessmentIdFor } from '../../src/storage/assessment-repository.js';
import { HAND_OVERS_TABLE, HandOverStore } from '../../src/storage/hand-over-store.js';
import type { Assessment } from '../../src/tencs/assessment.js';
import type { Owner } from '../../src/tencs/owner.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { executeActions, press } from '../helpers/card-driver.js';
import { SEXTORTION_14 } from '../fixtures/summary-cases.js';

// Issue 16: data rights reach the hand-over records and the personal-chat directory, and nothing of an
// assessment is deleted while a hand-over that includes it is under way.

type Card = Record<string, unknown>;
const DAY = 86_400_000;
const ownerOf = (u: TestUser): Owner => ({ tenantId: u.tenantId, aadObjectId: u.aadObjectId });
const cardsOf = (r: TurnResult): Card[] => [
  ...((r.body as { type?: string; value?: Card } | undefined)?.type === 'application/vnd.microsoft.card.adaptive' ? [(r.body as { value: Card }).value] : []),
  ...r.sent.flatMap((a) => ((a.attachments as { content: Card }[] | undefined) ?? []).map((x) => x.content)),
];
const textOf = (r: TurnResult): string => cardsOf(r).map(cardText).join('\n');

async function storedFor(bot: TestBot, u: TestUser, caseRef: string): Promise<Assessment> {
  const a: Assessment = {
    ...SEXTORTION_14,
    id: assessmentIdFor(randomUUID(), new Date()),
    tenantId: u.tenantId,
    ownerId: u.aadObjectId,
    setup: { ...SEXTORTION_14.setup!, caseRef },
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    completedAt: new Date().toISOString(),
  };
  await bot.deps.assessmentRepository.create(a);
  return a;
}

/** The offer card the bot sent into `to`'s personal chat for this case. */
function offerTo(bot: TestBot, to: TestUser, caseRef: string): Card {
  for (const c of [...bot.connector.calls].reverse()) {
    if (c.method !== 'POST' || c.conversationId !== to.conversationId) continue;
    const card = (c.body.attachments as { content: Card }[] | undefined)?.[0]?.content;
    if (card && executeActions(card).some((a) => a.verb === VERBS.handOverAccept) && cardText(card).includes(caseRef)) return card;
  }
  throw new Error(`No offer of ${caseRef} was sent to ${to.name}`);
}

describe('deleting is refused while a hand-over is under way; data rights cover hand-overs and the personal chat', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  async function offered(owner: TestUser, colleague: TestUser, caseRef: string): Promise<{ a: Assessment; sent: Card; offer: Card; handOverId: string }> {
    await bot.send(message(bot, colleague, 'help'));
    const a = await storedFor(bot, owner, caseRef);
    const sent = cardOf(await bot.send(execute(bot, owner, VERBS.handOverOffer, { caseRef, colleague: colleague.aadObjectId })));
    expect(cardText(sent)).toContain('Hand-over offered');
    const offer = offerTo(bot, colleague, caseRef);
    return { a, sent, offer, handOverId: executeActions(offer).find((x) => x.verb === VERBS.handOverAccept)!.data.handOverId as string };
  }

  it('when a hand-over is pending, then delete CASE-REF, the delete button and delete all my data are refused kindly and nothing is deleted; once taken back, delete works', async () => {
    const owner = newUser('Owner');
    const colleague = newUser('Colleague');
    const { a, sent } = await offered(owner, colleague, 'CR-8101');

    const typed = textOf(await bot.send(message(bot, owner, 'delete CR-8101')));
    expect(typed).toContain('Not deleted: a hand-over is under way');
    expect(typed).toContain('take the offer back first');
    expect(typed).not.toContain('Delete permanently');
    // The confirm button (card data is the client's) is refused on the server too.
    const forced = cardText(cardOf(await bot.send(execute(bot, owner, VERBS.privacyDeleteConfirm, { assessmentId: a.id }))));
    expect(forced).toContain('Not deleted: a hand-over is under way');
    expect(cardText(cardOf(await bot.send(execute(bot, owner, VERBS.privacyDeleteAsk, { assessmentId: a.id }))))).toContain('hand-over is under way');
    expect(textOf(await bot.send(message(bot, owner, 'delete all my data')))).toContain('take the offer back first');
    const all = cardText(cardOf(await bot.send(execute(bot, owner, VERBS.privacyDeleteAllConfirm, {}))));
    expect(all).toContain('Not deleted: a hand-over is under way');
    // The colleague it is offered to: their own "delete all my data" waits for their answer.
    expect(textOf(await bot.send(message(bot, colleague, 'delete all my data')))).toContain('Accept or decline the offer');
    expect((await bot.deps.assessmentRepository.get(ownerOf(owner), a.id))?.assessment.answers).toEqual(a.answers);
    expect(await bot.deps.personalChats.get(ownerOf(owner))).toBeDefined();

    expect(cardText(cardOf(await press(bot, owner, sent, VERBS.handOverTakeBack)))).toContain('Hand-over taken back');
    const confirm = cardsOf(await bot.send(message(bot, owner, 'delete CR-8101')))[0]!;
    expect(cardText(cardOf(await press(bot, owner, confirm, VERBS.privacyDeleteConfirm)))).toContain('Assessment deleted');
    expect(await bot.deps.assessmentRepository.get(ownerOf(owner), a.id)).toBeUndefined();
  });

  it('when a hand-over is accepted but stopped after its commit, then neither side can delete until it is done; the former owner never can', async () => {
    const owner = newUser('Owner');
    const colleague = newUser('Colleague');
    const { a, handOverId } = await offered(owner, colleague, 'CR-8102');
    // The colleague accepts, and the saga stops right after its commit (a crash there).
    const crashing = new HandOverStore(bot.deps.tables, bot.deps.assessmentRepository, bot.deps.audit, {
      afterStep: (step) => {
        if (step === 'committed') throw new Error('crash after the commit');
      },
    });
    await expect(crashing.accept(handOverId, ownerOf(colleague))).rejects.toThrow('crash after the commit');
    expect((await bot.deps.handOvers.get(handOverId))?.record.state).toBe('copied');

    // The colleague owns it now, but it is still moving: refused, kindly.
    const theirs = textOf(await bot.send(message(bot, colleague, 'delete CR-8102')));
    expect(theirs).toContain('finishing its move');
    expect(cardText(cardOf(await bot.send(execute(bot, colleague, VERBS.privacyDeleteConfirm, { assessmentId: a.id }))))).toContain('hand-over is under way');
    expect(textOf(await bot.send(message(bot, colleague, 'delete all my data')))).toContain('finishing its move');
    // The former owner: the source rows are no longer theirs at all.
    expect(textOf(await bot.send(message(bot, owner, 'delete CR-8102')))).toContain('No assessment of yours has that case reference');
    expect(cardText(cardOf(await bot.send(execute(bot, owner, VERBS.privacyDeleteConfirm, { assessmentId: a.id }))))).toContain("isn't among yours");
    expect(await bot.deps.assessmentRepository.get(ownerOf(colleague), a.id)).toBeDefined();

    // The recovery finishes the move; now the colleague's delete works and the former owner's still finds nothing.
    expect((await bot.deps.handOvers.advance(handOverId)).state).toBe('done');
    const confirm = cardsOf(await bot.send(message(bot, colleague, 'delete CR-8102')))[0]!;
    expect(cardText(confirm)).toContain('Delete this assessment?');
    expect(cardText(cardOf(await press(bot, colleague, confirm, VERBS.privacyDeleteConfirm)))).toContain('Assessment deleted');
    expect(await bot.deps.assessmentRepository.get(ownerOf(colleague), a.id)).toBeUndefined();
  });

  it('when a case was handed over, then both export its hand-over record (the other by object id only) and the personal chat reference; delete all my data removes them', async () => {
    const owner = newUser('Owner');
    const colleague = newUser('Colleague');
    const { a, offer, handOverId } = await offered(owner, colleague, 'CR-8103');
    expect(cardText(cardOf(await press(bot, colleague, offer, VERBS.handOverAccept)))).toContain('The case is yours now');

    // The former owner has no assessment of the case left, but the record names them.
    const fromExport = textOf(await bot.send(message(bot, owner, 'export CR-8103')));
    expect(fromExport).toContain(`Hand-over ${handOverId}`);
    expect(fromExport).toContain(`from you to user ${colleague.aadObjectId}`);
    expect(fromExport).toContain('done');
    expect(fromExport).toContain(owner.conversationId);
    expect(fromExport).not.toContain('Colleague');
    const toExport = textOf(await bot.send(message(bot, colleague, 'export CR-8103')));
    expect(toExport).toContain(`to you from user ${owner.aadObjectId}`);
    expect(toExport).toContain(a.id);
    expect(toExport).toContain(colleague.conversationId);

    // The colleague deletes everything: assessments, the (final) hand-over record, the personal chat row.
    const ask = cardsOf(await bot.send(message(bot, colleague, 'delete all my data')))[0]!;
    expect(cardText(ask)).toContain('Delete all your data in tencs?');
    expect(cardText(ask)).toContain('1');
    const done = cardText(cardOf(await press(bot, colleague, ask, VERBS.privacyDeleteAllConfirm)));
    expect(done).toContain('All your data is deleted');
    expect(await bot.deps.assessmentRepository.get(ownerOf(colleague), a.id)).toBeUndefined();
    expect(await bot.deps.handOvers.get(handOverId)).toBeUndefined();
    expect(await bot.deps.personalChats.get(ownerOf(colleague))).toBeUndefined();
    // Nothing of the hand-over is left in its table (record or either party's index row).
    const left: string[] = [];
    for await (const e of bot.deps.tables.table(HAND_OVERS_TABLE).listEntities())
      if (String(e.rowKey) === handOverId || String(e.partitionKey) === handOverId) left.push(String(e.partitionKey));
    expect(left).toEqual([]);
    expect(textOf(await bot.send(message(bot, owner, 'export CR-8103')))).toContain('No assessment of yours has that case reference');
    // The trail still says it happened, on both sides.
    const trail = (await bot.deps.audit.listForAssessments([a.id])).map((e) => `${e.action} ${e.actorId}`);
    expect(trail).toContain(`handed-over ${owner.aadObjectId}`);
    expect(trail).toContain(`received ${colleague.aadObjectId}`);
    expect(trail).toContain(`deleted ${colleague.aadObjectId}`);
  });
});

describe('the purge removes old final hand-over records and unused personal-chat references', () => {
  let clock = new Date();
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000' }, { now: () => clock });
  });
  afterAll(async () => {
    await bot.close();
  });

  it('when a final hand-over record and a personal chat are older than CASE_RETENTION_DAYS, then they go, while a pending offer and the chat of someone who still owns a case stay', async () => {
    const start = Date.now();
    const owner = newUser('Owner');
    const colleague = newUser('Colleague');
    const idle = newUser('Idle');
    await bot.send(message(bot, colleague, 'help'));
    await bot.send(message(bot, idle, 'help'));
    await bot.send(message(bot, owner, 'help'));
    await storedFor(bot, owner, 'CR-8201');
    await storedFor(bot, owner, 'CR-8202');
    await bot.send(execute(bot, owner, VERBS.handOverOffer, { caseRef: 'CR-8201', colleague: colleague.aadObjectId }));
    const declined = offerTo(bot, colleague, 'CR-8201');
    expect(cardText(cardOf(await press(bot, colleague, declined, VERBS.handOverDecline)))).toContain('Hand-over declined');
    await bot.send(execute(bot, owner, VERBS.handOverOffer, { caseRef: 'CR-8202', colleague: colleague.aadObjectId }));
    const pendingId = executeActions(offerTo(bot, colleague, 'CR-8202')).find((x) => x.verb === VERBS.handOverAccept)!.data.handOverId as string;
    const declinedId = executeActions(declined).find((x) => x.verb === VERBS.handOverAccept)!.data.handOverId as string;

    // Within the period nothing goes.
    clock = new Date(start + 300 * DAY);
    const early = await bot.deps.privacy.purgeExpired();
    expect(early.handOvers).toBe(0);
    expect(early.personalChats).toBe(0);

    clock = new Date(start + 400 * DAY);
    const result = await bot.deps.privacy.purgeExpired();
    expect(result.handOvers).toBe(1);
    expect(await bot.deps.handOvers.get(declinedId)).toBeUndefined();
    expect((await bot.deps.handOvers.get(pendingId))?.record.state).toBe('pending');
    // Idle and the colleague own nothing: their references go. The owner still owns assessments (warned, not yet deleted): kept.
    expect(await bot.deps.personalChats.get(ownerOf(idle))).toBeUndefined();
    expect(await bot.deps.personalChats.get(ownerOf(colleague))).toBeUndefined();
    expect(await bot.deps.personalChats.get(ownerOf(owner))).toBeDefined();
    expect(result.personalChats).toBe(2);
  });
});
