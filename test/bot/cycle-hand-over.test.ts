import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import { cardOf, cardText, execute, message, newUser, startTestBot, type TestBot, type TestUser, type TurnResult } from '../helpers/bot-harness.js';
import { executeActions, press } from '../helpers/card-driver.js';
import { completeAssessment } from '../helpers/full-assessment.js';

type Card = Record<string, unknown>;

async function cardFrom(pending: Promise<TurnResult>): Promise<Card> {
  const r = await pending;
  expect(r.status).toBe(200);
  return cardOf(r);
}

/** The hand-over offer card the bot sent proactively into `to`'s personal chat, if any. */
function offerSentTo(bot: TestBot, to: TestUser): Card | undefined {
  const calls = bot.connector.calls.filter((c) => c.method === 'POST' && c.conversationId === to.conversationId);
  for (const c of calls.reverse()) {
    const att = (c.body.attachments as { content: Card }[] | undefined)?.[0]?.content;
    if (att && executeActions(att).some((a) => a.verb === VERBS.handOverAccept)) return att;
  }
  return undefined;
}

describe('hand-over through the real app', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ RATE_LIMIT_BURST: '1000', RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await bot.close();
  });

  /** A completed assessment of `caseRef` by `owner`, then the owner's offer to `colleague`; returns the owner's card after offering. */
  async function offer(owner: TestUser, colleague: TestUser, caseRef: string): Promise<{ sent: Card; assessmentId: string }> {
    const done = await completeAssessment(bot, owner, caseRef, (f, s) => `${f} ${s}`);
    const choose = await cardFrom(press(bot, owner, done.cards.at(-1)!, VERBS.handOverChoose));
    expect(cardText(choose)).toContain(caseRef);
    // The people picker asks Teams for the tenant's users; its value is the colleague's Entra object id.
    expect(JSON.stringify(choose)).toContain('graph.microsoft.com/users');
    const sent = await cardFrom(press(bot, owner, choose, VERBS.handOverOffer, { colleague: colleague.aadObjectId.toUpperCase() }));
    return { sent, assessmentId: done.id };
  }

  it(
    'when the colleague accepts, then they own it with every answer, find it in my assessments, and the former owner is refused',
    { timeout: 120_000 },
    async () => {
      const owner = newUser('Owner');
      const colleague = newUser('Colleague');
      await bot.send(message(bot, colleague, 'help')); // The colleague has used tencs in personal chat.
      const { sent, assessmentId } = await offer(owner, colleague, 'CR-7101');
      expect(cardText(sent)).toContain('Hand-over offered');
      const offerCard = offerSentTo(bot, colleague);
      expect(offerCard && cardText(offerCard)).toContain('CR-7101');

      // Someone else pressing Accept on the offer (client-controlled data) is refused; nothing moves.
      const stranger = newUser('Stranger');
      const handOverId = executeActions(offerCard).find((a) => a.verb === VERBS.handOverAccept)!.data.handOverId as string;
      expect(cardText(await cardFrom(bot.send(execute(bot, stranger, VERBS.handOverAccept, { handOverId }))))).toContain('not addressed to you');

      const accepted = cardText(await cardFrom(press(bot, colleague, offerCard, VERBS.handOverAccept)));
      expect(accepted).toContain('The case is yours now');

      const theirs = cardText(await cardFrom(bot.send(message(bot, colleague, 'my assessments'))));
      expect(theirs).toContain('CR-7101');
      const opened = cardText(await cardFrom(bot.send(execute(bot, colleague, VERBS.open, { assessmentId }))));
      expect(opened).toContain('CR-7101');
      const stored = await bot.deps.assessmentRepository.get({ tenantId: colleague.tenantId, aadObjectId: colleague.aadObjectId }, assessmentId);
      expect(stored?.assessment.answers.confidentiality?.strengths).toBe('strengths c1');
      expect(stored?.handOver).toBeUndefined();

      // The former owner: not in their list, and their old cards are refused.
      expect(cardText(await cardFrom(bot.send(message(bot, owner, 'my assessments'))))).not.toContain('CR-7101');
      expect(cardText(await cardFrom(bot.send(execute(bot, owner, VERBS.open, { assessmentId }))))).toContain("I can't open that assessment");
      expect(cardText(await cardFrom(bot.send(execute(bot, owner, VERBS.reassess, { assessmentId }))))).toContain("I can't open that assessment");

      // Audited on both sides.
      const audit = cardText(await cardFrom(bot.send(message(bot, colleague, 'audit CR-7101'))));
      expect(audit).toContain('Took over the assessment from a colleague');
      expect(audit).toContain('Handed the assessment over to a colleague');
    },
  );

  it('when the colleague declines, or the owner takes it back first, then the owner keeps it and a later accept is refused', { timeout: 120_000 }, async () => {
    const owner = newUser('Owner');
    const colleague = newUser('Colleague');
    await bot.send(message(bot, colleague, 'help'));

    await offer(owner, colleague, 'CR-7102');
    const declined = cardText(await cardFrom(press(bot, colleague, offerSentTo(bot, colleague)!, VERBS.handOverDecline)));
    expect(declined).toContain('Hand-over declined');
    expect(cardText(await cardFrom(bot.send(message(bot, owner, 'my assessments'))))).toContain('CR-7102');

    const { sent } = await offer(owner, colleague, 'CR-7103');
    const offerCard = offerSentTo(bot, colleague)!;
    expect(cardText(offerCard)).toContain('CR-7103');
    expect(cardText(await cardFrom(press(bot, owner, sent, VERBS.handOverTakeBack)))).toContain('Hand-over taken back');
    expect(cardText(await cardFrom(press(bot, colleague, offerCard, VERBS.handOverAccept)))).toContain('withdrawn before you accepted');
    expect(cardText(await cardFrom(bot.send(message(bot, owner, 'my assessments'))))).toContain('CR-7103');
    expect(cardText(await cardFrom(bot.send(message(bot, colleague, 'my assessments'))))).not.toContain('CR-7103');
  });

  it(
    'when the colleague cannot be reached, or the id is not an Entra object id, then the owner is told kindly and nothing changes',
    { timeout: 120_000 },
    async () => {
      const owner = newUser('Owner');
      const absent = newUser('Never opened tencs');
      await bot.send(message(bot, owner, 'help'));
      const done = await completeAssessment(bot, owner, 'CR-7104', (f, s) => `${f} ${s}`);
      const choose = await cardFrom(bot.send(message(bot, owner, 'hand over CR-7104')));
      expect(cardText(await cardFrom(press(bot, owner, choose, VERBS.handOverOffer, { colleagueId: 'someone@example.org' })))).toContain(
        'Choose your colleague',
      );
      bot.connector.fail({
        status: 403,
        body: { error: { code: 'BotNotInConversationRoster', message: 'not installed' } },
        match: (c) => c.path === '/v3/conversations' && c.method === 'POST',
      });
      const unreachable = cardText(await cardFrom(press(bot, owner, choose, VERBS.handOverOffer, { colleagueId: absent.aadObjectId })));
      expect(unreachable).toContain('ask them to open a chat with tencs');
      const stored = await bot.deps.assessmentRepository.get({ tenantId: owner.tenantId, aadObjectId: owner.aadObjectId }, done.id);
      expect(stored?.handOver).toBeUndefined();
      expect(cardText(await cardFrom(bot.send(execute(bot, owner, VERBS.open, { assessmentId: done.id }))))).toContain('CR-7104');
    },
  );
});
