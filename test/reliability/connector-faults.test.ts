import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { VERBS } from '../../src/cards/verbs.js';
import type { AssessmentRepository } from '../../src/storage/assessment-repository.js';
import { startTestBot, type TestBot } from '../helpers/bot-harness.js';
import { botEnv, repositoryFor } from '../helpers/bot-process.js';
import type { ConnectorCall, ConnectorFault } from '../helpers/connector.js';
import { advanceTo, checkPromise, leakedText, post, Practitioner, seededRandom, seenIn, type Turn } from '../helpers/practitioner.js';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const isCard = (c: ConnectorCall) => ((c.body.attachments as { contentType: string }[] | undefined) ?? []).some((a) => a.contentType === ADAPTIVE);
const delivered = (c: ConnectorCall) => c.status !== undefined && c.status < 300;

describe('when the Bot Connector fails while the bot replies', () => {
  let bot: TestBot;
  let repository: AssessmentRepository;
  let seed = 300;
  const everyone: Practitioner[] = [];

  beforeAll(async () => {
    const env = botEnv(inject('tablesConnectionString'));
    bot = await startTestBot(env);
    repository = await repositoryFor(env, inject('tablesConnectionString'));
  });
  afterAll(async () => {
    await bot.close();
  });

  const send = (activity: Record<string, unknown>) => post(bot.url, bot.connector, activity);
  const practitioner = () => {
    const p = new Practitioner(`c${seed}`, bot.connector, seededRandom(seed++));
    everyone.push(p);
    return p;
  };
  const repliesTo = (activity: Record<string, unknown>) => bot.connector.calls.filter((c) => c.body.replyToId === activity.id);

  for (const fault of [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 503 }] satisfies ConnectorFault[]) {
    it(`when the reply to "start" gets ${fault.status}, then it is retried and delivered once, and one assessment exists`, async () => {
      const p = practitioner();
      const move = p.start();
      bot.connector.fail({ ...fault, match: (c) => c.body.replyToId === move.activity.id });
      const seen = p.finish(move, p.begin(move), await send(move.activity));
      expect(seen.kind === 'step' && seen.ref.step).toBe('cautions');
      const replies = repliesTo(move.activity);
      expect(replies.map((c) => c.status)).toEqual([fault.status, 200]);
      expect(replies.filter((c) => delivered(c) && isCard(c))).toHaveLength(1);
      expect(await checkPromise(repository, [p])).toEqual([]);
    });
  }

  it('when every reply to "start" gets 403, then the turn fails (500), and a redelivery of the same activity finds the same assessment and shows one card', async () => {
    const p = practitioner();
    const move = p.start();
    // The card, then the apology for the failed turn: both refused.
    bot.connector.fail(...[1, 2].map(() => ({ status: 403, match: (c: ConnectorCall) => c.conversationId === p.user.conversationId })));
    const first: Turn = await send(move.activity);
    expect(first.status).toBe(500);
    expect(repliesTo(move.activity).filter(delivered)).toHaveLength(0);
    const listed = await repository.listForOwner({ tenantId: p.user.tenantId, aadObjectId: p.user.aadObjectId });
    expect(listed).toHaveLength(1);

    const seen = p.finish(move, p.begin(move), await send(move.activity));
    expect(seen.kind === 'step' && seen.ref.step).toBe('cautions');
    expect(p.assessmentId).toBe(listed[0]!.id);
    expect(repliesTo(move.activity).filter((c) => delivered(c) && isCard(c))).toHaveLength(1);
    expect(await checkPromise(repository, [p])).toEqual([]);
  });

  it('when the connector refuses everything, then a card action still saves the answer and returns the next card (it needs no connector)', async () => {
    const p = practitioner();
    await advanceTo(p, 'context', send);
    bot.connector.fail(...[1, 2, 3].map(() => ({ status: 403, match: (c: ConnectorCall) => c.conversationId === p.user.conversationId })));
    const mark = bot.connector.calls.length;
    const move = p.submit(VERBS.stepNext);
    const seen = p.finish(move, p.begin(move), await send(move.activity));
    expect(seen.kind === 'step' && seen.ref.step).toBe('content');
    expect(await checkPromise(repository, [p])).toEqual([]);
    expect(bot.connector.calls.slice(mark).filter((c) => c.conversationId === p.user.conversationId)).toEqual([]);
  });

  it('when the reply to "resume" gets 503 then 429, then the card is delivered once', async () => {
    const p = practitioner();
    await advanceTo(p, 'connection', send);
    const resume: Record<string, unknown> = { ...p.start().activity, text: 'resume' };
    bot.connector.fail(
      { status: 503, match: (c) => c.body.replyToId === resume.id },
      { status: 429, headers: { 'Retry-After': '1' }, match: (c) => c.body.replyToId === resume.id },
    );
    const turn = await send(resume);
    const seen = seenIn(turn);
    expect(seen.kind === 'step' && seen.ref.step).toBe('connection');
    expect(repliesTo(resume).map((c) => c.status)).toEqual([503, 429, 200]);
    expect(repliesTo(resume).filter((c) => delivered(c) && isCard(c))).toHaveLength(1);
  });

  it('when all of the above has happened, then no text a practitioner typed is in any log line', () => {
    expect(everyone.length).toBeGreaterThan(3);
    expect(leakedText(bot.logLines, everyone)).toEqual([]);
  });
});
